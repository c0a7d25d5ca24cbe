package io.cattlepi.ci.simulator.pi;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rack's power switch, as a networked PDU offers it: one outlet per Pi, switched with
 * {@code POST /outlets/{pi}/off} and {@code POST /outlets/{pi}/on} and read with
 * {@code GET /outlets/{pi}}. The controller drives it through its configured power commands
 * ({@link #offCommand()}, {@link #onCommand()}: curl, run without a shell), exactly as it would
 * drive uhubctl or a PoE switch.
 */
public final class PowerSwitchServer implements AutoCloseable {
    private static final Pattern PATH = Pattern.compile("/outlets/([A-Za-z0-9_.-]{1,64})(?:/(on|off))?");

    private final HttpServer http;
    private final PiRack rack;

    private PowerSwitchServer(HttpServer http, PiRack rack) {
        this.http = http;
        this.rack = rack;
    }

    public static PowerSwitchServer start(PiRack rack) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        PowerSwitchServer server = new PowerSwitchServer(http, rack);
        http.createContext("/outlets/", server::handle);
        http.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "power-switch");
            t.setDaemon(true);
            return t;
        }));
        http.start();
        return server;
    }

    public String url() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    /** The power-off command for the controller's config, {@code {name}} filled in by the controller. */
    public List<String> offCommand() {
        return command("off");
    }

    public List<String> onCommand() {
        return command("on");
    }

    private List<String> command(String action) {
        return List.of("curl", "--silent", "--show-error", "--fail", "--max-time", "10", "--request", "POST",
                url() + "/outlets/{name}/" + action);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            Matcher m = PATH.matcher(ex.getRequestURI().getPath());
            if (!m.matches()) {
                answer(ex, 404, "no such outlet\n");
                return;
            }
            SimulatedPi pi;
            try {
                pi = rack.pi(m.group(1));
            } catch (NoSuchElementException e) {
                answer(ex, 404, "no outlet for " + m.group(1) + "\n");
                return;
            }
            String action = m.group(2);
            if (action == null) {
                answer(ex, ex.getRequestMethod().equals("GET") ? 200 : 405,
                        pi.state() == SimulatedPi.State.DOWN ? "off\n" : "on\n");
                return;
            }
            if (!ex.getRequestMethod().equals("POST")) {
                answer(ex, 405, "POST to switch an outlet\n");
                return;
            }
            if (action.equals("off")) {
                pi.powerOff();
            } else {
                pi.powerOn();
            }
            answer(ex, 200, pi.name() + " " + action + "\n");
        }
    }

    private static void answer(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        http.stop(0);
        ((java.util.concurrent.ExecutorService) http.getExecutor()).shutdownNow();
    }
}
