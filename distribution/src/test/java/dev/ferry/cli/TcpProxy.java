package dev.ferry.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy between ferry and a server, for network faults: {@link #stall} stops forwarding in
 * both directions for a while (the connections stay open, as behind a congested or partitioned
 * link), {@link #reset} drops every connection with a TCP reset.
 */
final class TcpProxy
        implements AutoCloseable
{
    private final String upstreamHost;
    private final int upstreamPort;
    private final ServerSocket listener;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicLong stalledUntil = new AtomicLong();
    private final Thread acceptor;
    private volatile boolean closed;

    TcpProxy(String upstreamHost, int upstreamPort)
            throws IOException
    {
        this(upstreamHost, upstreamPort, 0);
    }

    /**
     * @param port the local port to listen on, 0 for any free one
     */
    TcpProxy(String upstreamHost, int upstreamPort, int port)
            throws IOException
    {
        this.upstreamHost = upstreamHost;
        this.upstreamPort = upstreamPort;
        this.listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        this.acceptor = new Thread(this::accept, "tcp-proxy-" + upstreamPort);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port()
    {
        return listener.getLocalPort();
    }

    int connections()
    {
        return sockets.size() / 2;
    }

    /**
     * Forwards nothing for {@code duration}; returns at once.
     */
    void stall(Duration duration)
    {
        stalledUntil.set(System.nanoTime() + duration.toNanos());
    }

    /**
     * Resets every open connection; new ones are accepted as before.
     */
    void reset()
    {
        for (Socket socket : sockets) {
            try {
                socket.setSoLinger(true, 0);
                socket.close();
            }
            catch (IOException ignored) {
                // closed already
            }
        }
    }

    @Override
    public void close()
            throws IOException
    {
        closed = true;
        listener.close();
        reset();
    }

    private void accept()
    {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                try {
                    server.connect(new InetSocketAddress(upstreamHost, upstreamPort), 5_000);
                }
                catch (IOException e) {
                    client.close();
                    continue;
                }
                sockets.add(client);
                sockets.add(server);
                pump(client, server, "up");
                pump(server, client, "down");
            }
            catch (IOException e) {
                if (!closed) {
                    System.err.println("tcp proxy to " + upstreamHost + ":" + upstreamPort + ": " + e);
                }
            }
        }
    }

    private void pump(Socket from, Socket to, String direction)
    {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                while (true) {
                    int read = in.read(buffer);
                    if (read < 0) {
                        break;
                    }
                    long wait;
                    while ((wait = stalledUntil.get() - System.nanoTime()) > 0) {
                        Thread.sleep(Math.max(1, Math.min(100, wait / 1_000_000)));
                    }
                    out.write(buffer, 0, read);
                    out.flush();
                }
            }
            catch (SocketException e) {
                // reset or closed by the other side
            }
            catch (IOException | InterruptedException e) {
                // the pair ends
            }
            finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "tcp-proxy-" + upstreamPort + "-" + direction);
        thread.setDaemon(true);
        thread.start();
    }

    private void closeQuietly(Socket socket)
    {
        sockets.remove(socket);
        try {
            socket.close();
        }
        catch (IOException ignored) {
            // closed already
        }
    }
}
