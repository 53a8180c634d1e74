import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.rmi.server.RMISocketFactory;

/**
 * Starts JMeter (its launcher, {@code org.apache.jmeter.NewDriver}) with every RMI server socket
 * bound to 127.0.0.1, for jmeter-distributed.sh.
 *
 * <p>With {@code server.rmi.ssl.disable=true} JMeter passes no socket factory to RMI, and RMI's
 * default binds its registry and exported objects to every interface: an unauthenticated,
 * unencrypted RMI endpoint on the machine's network. JMeter binds to {@code
 * java.rmi.server.hostname} only with SSL on. Replacing RMI's default factory before JMeter starts
 * keeps the proof on loopback. Run as a single source file with only ApacheJMeter.jar on the class
 * path ({@code java -cp bin/ApacheJMeter-5.6.3.jar LoopbackJMeter.java -s …}), so that JMeter finds
 * its home from that jar and loads lib/ and lib/ext/ in its own class loader as usual.
 */
public final class LoopbackJMeter {
  public static void main(String[] args) throws Exception {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    RMISocketFactory.setSocketFactory(
        new RMISocketFactory() {
          @Override
          public Socket createSocket(String host, int port) throws IOException {
            return new Socket(host, port);
          }

          @Override
          public ServerSocket createServerSocket(int port) throws IOException {
            return new ServerSocket(port, 50, loopback);
          }
        });
    Class.forName("org.apache.jmeter.NewDriver")
        .getMethod("main", String[].class)
        .invoke(null, (Object) args);
  }
}
