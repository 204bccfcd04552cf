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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.tinkerpop.gremlin.process.traversal.Order;
import org.apache.tinkerpop.gremlin.structure.Direction;
import org.apache.tinkerpop.gremlin.structure.Vertex;
import org.janusgraph.core.Cardinality;
import org.janusgraph.core.EdgeLabel;
import org.janusgraph.core.JanusGraph;
import org.janusgraph.core.JanusGraphEdge;
import org.janusgraph.core.JanusGraphFactory;
import org.janusgraph.core.JanusGraphTransaction;
import org.janusgraph.core.JanusGraphVertex;
import org.janusgraph.core.JanusGraphVertexProperty;
import org.janusgraph.core.Multiplicity;
import org.janusgraph.core.PropertyKey;
import org.janusgraph.core.schema.JanusGraphManagement;
import org.janusgraph.graphdb.configuration.JanusGraphConstants;

/**
 * JanusGraph on the project's Cassandra (CQL), driven by the bench over stdin/stdout (the line
 * protocol in ../README.md). Loaded the way JanusGraph's bulk-loading documentation recommends:
 * {@code storage.batch-loading} on, a large {@code ids.block-size}, an explicit schema
 * ({@code schema.default=none}), the loader keeping its own map of external id to vertex id,
 * and a few thousand elements per transaction. Ids are found through a composite index on
 * {@code rid}; each edge label has a vertex-centric index on {@code time}, newest first, so
 * "the 50 latest" reads 50 entries.
 *
 * <p>Usage: {@code java -cp target/classes:target/lib/* rdg.peers.JanusGraphPeer KEYSPACE LABELS EDGE_TYPES [ROWS_PER_TX]}
 * (host and port from -Drdg.cql.host / -Drdg.cql.port, default 127.0.0.1:19042).
 */
public final class JanusGraphPeer {
  private static final int DEFAULT_ROWS_PER_TX = 5_000;

  private final JanusGraph graph;
  private final int rowsPerTx;
  /** The loader's map of label + id to vertex id, as the bulk-loading docs suggest. */
  private final Map<String, Object> vertexIds = new HashMap<>();
  /** Pending rows, newest per key: nodes then edges, applied in one transaction. */
  private final Map<String, String[]> pendingNodes = new LinkedHashMap<>();
  private final Map<String, String[]> pendingEdges = new LinkedHashMap<>();
  private long loaded;

  private JanusGraphPeer(JanusGraph graph, int rowsPerTx) {
    this.graph = graph;
    this.rowsPerTx = rowsPerTx;
  }

  public static void main(String[] args) {
    // A library's non-daemon threads would keep a failed JVM alive: exit explicitly either way.
    try {
      run(args);
    } catch (Throwable e) {
      System.err.println("[janusgraph-peer] failed: " + e);
      e.printStackTrace();
      System.exit(1);
    }
    System.exit(0);
  }

  private static void run(String[] args) throws IOException {
    if (args.length < 3) {
      System.err.println("[janusgraph-peer] usage: JanusGraphPeer KEYSPACE LABELS EDGE_TYPES [ROWS_PER_TX]");
      System.exit(2);
    }
    PrintStream replies = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8);
    System.setOut(System.err);
    int rowsPerTx = args.length > 3 ? Integer.parseInt(args[3]) : DEFAULT_ROWS_PER_TX;
    JanusGraph graph;
    try {
      graph = open(args[0]);
    } catch (RuntimeException e) {
      System.err.println("[janusgraph-peer] cannot open JanusGraph on CQL " + System.getProperty("rdg.cql.host", "127.0.0.1") + ":"
          + System.getProperty("rdg.cql.port", "19042") + " (start it with services/cassandra.sh start): " + e);
      System.exit(1);
      return;
    }
    JanusGraphPeer peer = new JanusGraphPeer(graph, rowsPerTx);
    peer.defineSchema(args[1].split(","), args[2].split(","));
    BufferedWriter out = new BufferedWriter(new OutputStreamWriter(replies, StandardCharsets.UTF_8), 1 << 16);
    out.write("READY\tJanusGraph " + JanusGraphConstants.VERSION + "\n");
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
    graph.close();
  }

  /**
   * Opens the graph; a new keyspace's tables can be missing for a moment after creation (schema
   * agreement), so a failed first open is retried twice.
   */
  private static JanusGraph open(String keyspace) {
    RuntimeException last = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      try {
        return JanusGraphFactory.build()
            .set("storage.backend", "cql")
            .set("storage.hostname", System.getProperty("rdg.cql.host", "127.0.0.1"))
            .set("storage.port", Integer.parseInt(System.getProperty("rdg.cql.port", "19042")))
            .set("storage.cql.keyspace", keyspace)
            .set("storage.cql.local-datacenter", "datacenter1")
            .set("storage.cql.replication-factor", 1)
            .set("storage.batch-loading", true)
            .set("ids.block-size", 1_000_000)
            .set("schema.default", "none")
            .set("query.batch.enabled", true)
            .open();
      } catch (RuntimeException e) {
        last = e;
        try {
          Thread.sleep(5_000);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
    throw last;
  }

  private void defineSchema(String[] labels, String[] edgeTypes) {
    JanusGraphManagement m = graph.openManagement();
    if (m.getPropertyKey("rid") == null) {
      PropertyKey rid = m.makePropertyKey("rid").dataType(String.class).cardinality(Cardinality.SINGLE).make();
      PropertyKey time = m.makePropertyKey("time").dataType(Long.class).cardinality(Cardinality.SINGLE).make();
      m.makePropertyKey("props").dataType(String.class).cardinality(Cardinality.SINGLE).make();
      m.buildIndex("byRid", Vertex.class).addKey(rid).buildCompositeIndex();
      for (String label : labels) m.makeVertexLabel(label).make();
      for (String type : edgeTypes) {
        EdgeLabel el = m.makeEdgeLabel(type).multiplicity(Multiplicity.MULTI).make();
        m.buildEdgeIndex(el, type + "ByTime", Direction.BOTH, Order.desc, time);
      }
      m.commit();
    } else {
      m.rollback();
    }
  }

  private String handle(String[] f) {
    switch (f[0]) {
      case "N" -> {
        add(pendingNodes, f[1] + "\t" + f[2], f, 3);
        return null;
      }
      case "E" -> {
        add(pendingEdges, f[1] + "\t" + f[3] + "\t" + f[5], f, 6);
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
        return neighbors(f[1], f[2], f[3], f[4], Integer.parseInt(f[5]));
      }
      case "T" -> {
        return twoHop(f);
      }
      case "S" -> {
        // Sized by the bench from Cassandra's files after a flush.
        return "R\t-1";
      }
      case "P" -> {
        return "R";
      }
      default -> throw new IllegalArgumentException("unknown command " + f[0] + "; known: N E C F Q T S P X");
    }
  }

  private void add(Map<String, String[]> rows, String key, String[] row, int timeField) {
    String[] old = rows.get(key);
    if (old == null || Long.parseLong(old[timeField]) <= Long.parseLong(row[timeField])) rows.put(key, row);
    if (pendingNodes.size() + pendingEdges.size() >= rowsPerTx) commit();
  }

  private JanusGraphVertex vertex(JanusGraphTransaction tx, String label, String id, boolean create) {
    String key = label + "\t" + id;
    Object vid = vertexIds.get(key);
    if (vid != null) return tx.getVertex(vid);
    JanusGraphVertex found = byRid(tx, label, id);
    if (found == null && create) {
      found = tx.addVertex(label);
      found.property("rid", id);
    }
    if (found != null) vertexIds.put(key, found.id());
    return found;
  }

  private static JanusGraphVertex byRid(JanusGraphTransaction tx, String label, String id) {
    for (JanusGraphVertex v : tx.query().has("rid", id).vertices()) {
      if (v.label().equals(label)) return v;
    }
    return null;
  }

  private void commit() {
    int rows = pendingNodes.size() + pendingEdges.size();
    if (rows == 0) return;
    JanusGraphTransaction tx = graph.newTransaction();
    try {
      for (String[] n : pendingNodes.values()) {
        // N label id time props
        JanusGraphVertex v = vertex(tx, n[1], n[2], true);
        long time = Long.parseLong(n[3]);
        Long old = v.<Long>property("time").orElse(null);
        if (old == null || old <= time) {
          v.property("time", time);
          v.property("props", n[4]);
        }
      }
      for (String[] e : pendingEdges.values()) {
        // E type fromLabel from toLabel to time props
        JanusGraphVertex a = vertex(tx, e[2], e[3], true);
        JanusGraphVertex b = vertex(tx, e[4], e[5], true);
        long time = Long.parseLong(e[6]);
        Iterator<JanusGraphEdge> existing = a.query().labels(e[1]).direction(Direction.OUT).adjacent(b).edges().iterator();
        if (existing.hasNext()) {
          JanusGraphEdge edge = existing.next();
          if (edge.<Long>value("time") <= time) {
            edge.property("time", time);
            edge.property("props", e[7]);
          }
        } else {
          a.addEdge(e[1], b, "time", time, "props", e[7]);
        }
      }
      tx.commit();
    } catch (RuntimeException ex) {
      tx.rollback();
      // Vertex ids handed out in the failed transaction are gone with it.
      vertexIds.clear();
      throw ex;
    } finally {
      pendingNodes.clear();
      pendingEdges.clear();
    }
    loaded += rows;
  }

  private static Direction direction(String dir) {
    return dir.equals("out") ? Direction.OUT : Direction.IN;
  }

  /** The other ends' ids, in one batched read. */
  private static Map<JanusGraphVertex, String> rids(JanusGraphTransaction tx, List<JanusGraphVertex> vertices) {
    Map<JanusGraphVertex, String> ids = new HashMap<>();
    if (vertices.isEmpty()) return ids;
    for (Map.Entry<JanusGraphVertex, Iterable<JanusGraphVertexProperty>> e : tx.multiQuery(vertices).keys("rid").properties().entrySet()) {
      for (JanusGraphVertexProperty<?> p : e.getValue()) ids.put(e.getKey(), (String) p.value());
    }
    return ids;
  }

  private List<JanusGraphEdge> latest(JanusGraphVertex v, String type, String dir, int limit) {
    List<JanusGraphEdge> edges = new ArrayList<>(limit);
    for (JanusGraphEdge e : v.query().labels(type).direction(direction(dir)).orderBy("time", Order.desc).limit(limit).edges()) edges.add(e);
    return edges;
  }

  private String neighbors(String label, String id, String type, String dir, int limit) {
    JanusGraphTransaction tx = graph.buildTransaction().readOnly().start();
    try {
      StringBuilder sb = new StringBuilder("R");
      JanusGraphVertex v = byRid(tx, label, id);
      if (v == null) return sb.toString();
      List<JanusGraphEdge> edges = latest(v, type, dir, limit);
      List<JanusGraphVertex> others = new ArrayList<>(edges.size());
      for (JanusGraphEdge e : edges) others.add(e.otherVertex(v));
      Map<JanusGraphVertex, String> ids = rids(tx, others);
      for (int i = 0; i < edges.size(); i++) {
        sb.append('\t').append(ids.get(others.get(i))).append('\t').append(edges.get(i).<Long>value("time"));
      }
      return sb.toString();
    } finally {
      tx.rollback();
    }
  }

  private String twoHop(String[] f) {
    // T label id type1 dir1 limit1 type2 dir2 limit2
    JanusGraphTransaction tx = graph.buildTransaction().readOnly().start();
    try {
      StringBuilder sb = new StringBuilder("R");
      JanusGraphVertex s = byRid(tx, f[1], f[2]);
      if (s == null) return sb.toString();
      List<JanusGraphVertex> mids = new ArrayList<>();
      for (JanusGraphEdge e : latest(s, f[3], f[4], Integer.parseInt(f[5]))) mids.add(e.otherVertex(s));
      int limit2 = Integer.parseInt(f[8]);
      List<JanusGraphVertex> vias = new ArrayList<>();
      List<JanusGraphVertex> others = new ArrayList<>();
      List<Long> times = new ArrayList<>();
      for (JanusGraphVertex m : mids) {
        for (JanusGraphEdge e : latest(m, f[6], f[7], limit2)) {
          vias.add(m);
          others.add(e.otherVertex(m));
          times.add(e.<Long>value("time"));
        }
      }
      List<JanusGraphVertex> all = new ArrayList<>(mids);
      all.addAll(others);
      Map<JanusGraphVertex, String> ids = rids(tx, all);
      for (int i = 0; i < others.size(); i++) {
        sb.append('\t').append(ids.get(vias.get(i))).append('\t').append(ids.get(others.get(i))).append('\t').append(times.get(i));
      }
      return sb.toString();
    } finally {
      tx.rollback();
    }
  }
}
