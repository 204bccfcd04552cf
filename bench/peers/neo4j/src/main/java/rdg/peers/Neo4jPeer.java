package rdg.peers;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.Result;
import org.neo4j.graphdb.Transaction;
import org.neo4j.io.ByteUnit;

/**
 * Neo4j Community embedded, driven by the bench over stdin/stdout (the line protocol in
 * ../README.md). Writes go the way Neo4j's documentation recommends for streaming and batch
 * writes: parameterised {@code UNWIND $rows ... MERGE} statements on ids backed by uniqueness
 * constraints, about 10,000 rows per transaction.
 *
 * <p>Usage: {@code java -cp target/classes:target/lib/* rdg.peers.Neo4jPeer HOME LABELS [ROWS_PER_TX]}
 * where LABELS is a comma-separated list of node labels to constrain.
 */
public final class Neo4jPeer {
  private static final int DEFAULT_ROWS_PER_TX = 10_000;

  private final GraphDatabaseService db;
  private final Path storeDir;
  private final int rowsPerTx;
  /** Pending rows, newest per key, grouped per statement: one UNWIND per group. */
  private final Map<String, Map<String, Map<String, Object>>> pending = new LinkedHashMap<>();
  private int pendingRows;
  private long loaded;

  private Neo4jPeer(GraphDatabaseService db, Path storeDir, int rowsPerTx) {
    this.db = db;
    this.storeDir = storeDir;
    this.rowsPerTx = rowsPerTx;
  }

  public static void main(String[] args) {
    // A library's non-daemon threads would keep a failed JVM alive: exit explicitly either way.
    try {
      run(args);
    } catch (Throwable e) {
      System.err.println("[neo4j-peer] failed: " + e);
      e.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }

  private static void run(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("[neo4j-peer] usage: Neo4jPeer HOME LABELS [ROWS_PER_TX]");
      System.exit(2);
    }
    // Our replies own stdout; anything a library prints goes to stderr.
    PrintStream replies = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
    System.setOut(System.err);
    Path home = Path.of(args[0]);
    int rowsPerTx = args.length > 2 ? Integer.parseInt(args[2]) : DEFAULT_ROWS_PER_TX;
    DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
        .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(Long.parseLong(System.getProperty("rdg.pagecacheMb", "1024"))))
        .build();
    Runtime.getRuntime().addShutdownHook(new Thread(dbms::shutdown));
    GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
    Neo4jPeer peer = new Neo4jPeer(db, home.resolve("data").resolve("databases").resolve(GraphDatabaseSettings.DEFAULT_DATABASE_NAME), rowsPerTx);
    peer.constrain(args[1].split(","));
    BufferedWriter out = new BufferedWriter(new OutputStreamWriter(replies, StandardCharsets.UTF_8), 1 << 16);
    out.write("READY\tNeo4j " + org.neo4j.kernel.internal.Version.getNeo4jVersion() + "\n");
    out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8), 1 << 16);
    String line;
    // A failed write answers nothing at once (writes are not answered); the next F reports it.
    String loadError = null;
    while ((line = in.readLine()) != null) {
      if (line.equals("X")) break;
      String[] fields = line.split("\t", -1);
      boolean write = fields[0].equals("N") || fields[0].equals("E") || fields[0].equals("C");
      if (write && loadError != null) continue;
      if (fields[0].equals("F") && loadError != null) {
        out.write("ERR\t" + loadError + "\n");
        out.flush();
        loadError = null;
        continue;
      }
      try {
        String reply = peer.handle(fields);
        if (reply != null) {
          out.write(reply);
          out.write('\n');
          out.flush();
        }
      } catch (RuntimeException e) {
        String message = (e.getClass().getSimpleName() + ": " + e.getMessage()).replace('\n', ' ').replace('\t', ' ');
        if (write) {
          loadError = message;
        } else {
          out.write("ERR\t" + message + "\n");
          out.flush();
        }
      }
    }
    out.flush();
    dbms.shutdown();
  }

  private void constrain(String[] labels) {
    try (Transaction tx = db.beginTx()) {
      for (String label : labels) {
        tx.execute("CREATE CONSTRAINT " + label + "_id IF NOT EXISTS FOR (n:`" + label + "`) REQUIRE n.id IS UNIQUE");
      }
      tx.commit();
    }
    try (Transaction tx = db.beginTx()) {
      tx.schema().awaitIndexesOnline(5, java.util.concurrent.TimeUnit.MINUTES);
      tx.commit();
    }
  }

  private String handle(String[] f) {
    switch (f[0]) {
      case "N" -> {
        // N label id time props
        String stmt = "UNWIND $rows AS r MERGE (n:`" + f[1] + "` {id: r.id})"
            + " FOREACH (_ IN CASE WHEN coalesce(n.time, -1) <= r.time THEN [1] ELSE [] END | SET n.time = r.time, n.props = r.props)";
        add(stmt, f[1] + "\t" + f[2], Map.of("id", f[2], "time", Long.parseLong(f[3]), "props", f[4]));
        return null;
      }
      case "E" -> {
        // E type fromLabel from toLabel to time props
        String stmt = "UNWIND $rows AS r MERGE (a:`" + f[2] + "` {id: r.from}) MERGE (b:`" + f[4] + "` {id: r.to})"
            + " MERGE (a)-[e:`" + f[1] + "`]->(b)"
            + " FOREACH (_ IN CASE WHEN coalesce(e.time, -1) <= r.time THEN [1] ELSE [] END | SET e.time = r.time, e.props = r.props)";
        add(stmt, f[3] + "\t" + f[5], Map.of("from", f[3], "to", f[5], "time", Long.parseLong(f[6]), "props", f[7]));
        return null;
      }
      case "F" -> {
        commit();
        return "OK\t" + loaded;
      }
      case "C" -> {
        // Commit now, unanswered: the bench bounds a transaction's span of event time.
        commit();
        return null;
      }
      case "Q" -> {
        return neighbors(f[1], f[2], f[3], f[4], Long.parseLong(f[5]));
      }
      case "T" -> {
        return twoHop(f);
      }
      case "S" -> {
        // Committed data sits in the page cache and the transaction log until a checkpoint
        // writes it to the store files: checkpoint first, so the size is the store's.
        // (db.checkpoint() is an Enterprise procedure; Community reaches the same check pointer.)
        try {
          ((org.neo4j.kernel.internal.GraphDatabaseAPI) db).getDependencyResolver()
              .resolveDependency(org.neo4j.kernel.impl.transaction.log.checkpoint.CheckPointer.class)
              .forceCheckPoint(new org.neo4j.kernel.impl.transaction.log.checkpoint.SimpleTriggerInfo("rdg bench size"));
        } catch (IOException e) {
          throw new IllegalStateException("checkpoint failed: " + e.getMessage(), e);
        }
        return "R\t" + sizeOf(storeDir);
      }
      case "P" -> {
        return "R";
      }
      default -> throw new IllegalArgumentException("unknown command " + f[0] + "; known: N E C F Q T S P X");
    }
  }

  private void add(String stmt, String key, Map<String, Object> row) {
    Map<String, Map<String, Object>> rows = pending.computeIfAbsent(stmt, k -> new LinkedHashMap<>());
    Map<String, Object> old = rows.get(key);
    // Newest per key inside one transaction: a MERGE of the same key twice in one UNWIND
    // would only repeat work that last-write-wins discards.
    if (old == null) pendingRows++;
    if (old == null || (Long) old.get("time") <= (Long) row.get("time")) rows.put(key, row);
    if (pendingRows >= rowsPerTx) commit();
  }

  private void commit() {
    if (pendingRows == 0) return;
    int rows = pendingRows;
    try (Transaction tx = db.beginTx()) {
      for (Map.Entry<String, Map<String, Map<String, Object>>> e : pending.entrySet()) {
        tx.execute(e.getKey(), Map.of("rows", new ArrayList<>(e.getValue().values()))).close();
      }
      tx.commit();
    } finally {
      pending.clear();
      pendingRows = 0;
    }
    loaded += rows;
  }

  private static String arrow(String type, String dir, String rel) {
    return dir.equals("out") ? "-[" + rel + ":`" + type + "`]->" : "<-[" + rel + ":`" + type + "`]-";
  }

  private String neighbors(String label, String id, String type, String dir, long limit) {
    String q = "MATCH (n:`" + label + "` {id: $id})" + arrow(type, dir, "e") + "(o)"
        + " RETURN o.id AS id, e.time AS time ORDER BY time DESC LIMIT $limit";
    StringBuilder sb = new StringBuilder("R");
    try (Transaction tx = db.beginTx(); Result r = tx.execute(q, Map.of("id", id, "limit", limit))) {
      while (r.hasNext()) {
        Map<String, Object> row = r.next();
        sb.append('\t').append(row.get("id")).append('\t').append(row.get("time"));
      }
    }
    return sb.toString();
  }

  private String twoHop(String[] f) {
    // T label id type1 dir1 limit1 type2 dir2 limit2
    String q = "MATCH (s:`" + f[1] + "` {id: $id})" + arrow(f[3], f[4], "e1") + "(m)"
        + " WITH m, e1 ORDER BY e1.time DESC LIMIT $l1"
        + " CALL { WITH m MATCH (m)" + arrow(f[6], f[7], "e2") + "(o) RETURN o.id AS oid, e2.time AS t ORDER BY t DESC LIMIT $l2 }"
        + " RETURN m.id AS via, oid, t";
    Map<String, Object> params = new HashMap<>();
    params.put("id", f[2]);
    params.put("l1", Long.parseLong(f[5]));
    params.put("l2", Long.parseLong(f[8]));
    StringBuilder sb = new StringBuilder("R");
    try (Transaction tx = db.beginTx(); Result r = tx.execute(q, params)) {
      while (r.hasNext()) {
        Map<String, Object> row = r.next();
        sb.append('\t').append(row.get("via")).append('\t').append(row.get("oid")).append('\t').append(row.get("t"));
      }
    }
    return sb.toString();
  }

  private static long sizeOf(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          return 0;
        }
      }).sum();
    } catch (IOException e) {
      throw new IllegalStateException("cannot size " + dir + ": " + e.getMessage(), e);
    }
  }
}
