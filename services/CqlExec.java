// Tiny CQL client for services/cassandra.sh ("cassandra.sh cql STATEMENT...").
// Runs as a single-file Java program on the classpath resolved for the server:
// cassandra-all ships the (shaded) DataStax Java driver 3.x, so no extra download.
// Prints each result row as tab-separated values; exits non-zero on any error.
import com.datastax.driver.core.Cluster;
import com.datastax.driver.core.ColumnDefinitions;
import com.datastax.driver.core.ResultSet;
import com.datastax.driver.core.Row;
import com.datastax.driver.core.Session;

public class CqlExec {
    public static void main(String[] args) {
        String host = System.getProperty("cql.host", "127.0.0.1");
        int port = Integer.getInteger("cql.port", 19042);
        if (args.length == 0) {
            System.err.println("usage: CqlExec STATEMENT...");
            System.exit(2);
        }
        try (Cluster cluster = Cluster.builder()
                .addContactPoint(host)
                .withPort(port)
                .withoutJMXReporting()
                .withoutMetrics()
                .build();
             Session session = cluster.connect()) {
            for (String cql : args) {
                ResultSet rs = session.execute(cql);
                ColumnDefinitions defs = rs.getColumnDefinitions();
                if (defs.size() == 0) {
                    System.out.println("OK");
                    continue;
                }
                StringBuilder header = new StringBuilder();
                for (int i = 0; i < defs.size(); i++) {
                    if (i > 0) header.append('\t');
                    header.append(defs.getName(i));
                }
                System.out.println(header);
                for (Row row : rs) {
                    StringBuilder line = new StringBuilder();
                    for (int i = 0; i < defs.size(); i++) {
                        if (i > 0) line.append('\t');
                        line.append(row.getObject(i));
                    }
                    System.out.println(line);
                }
            }
        } catch (Exception e) {
            System.err.println("CQL error: " + e);
            System.exit(1);
        }
    }
}
