package io.cattlepi.ci.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cattlepi.ci.build.Build;
import io.cattlepi.ci.build.BuildResult;
import io.cattlepi.ci.config.BuildControlConfig;
import io.cattlepi.ci.peers.GitHubStandIn.RecordedStatus;
import io.cattlepi.ci.secret.Secret;
import io.cattlepi.ci.simulator.pi.PiTimings;
import io.cattlepi.ci.simulator.sample.SampleRepository;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Pull requests as an attacker writes them, against the whole product with its default sandbox:
 * a thief that hunts the controller's secrets on its host and publishes its loot, and a runaway
 * that exhausts processes and memory. Everything an outsider can see afterwards is searched for
 * every configured secret, plain and encoded.
 */
class HostilePullRequestTest {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    static Path dir;
    private static LiveRack rack;

    @BeforeAll
    static void start() throws Exception {
        rack = LiveRack.start(dir, new DemoWorld.Options(2, PiTimings.fast(), 0, Duration.ofSeconds(60),
                Duration.ofSeconds(5), Duration.ofSeconds(5), null)
                .with("build_max_processes", 200).with("build_max_memory_mb", 256), WAIT);
    }

    @AfterAll
    static void stop() {
        if (rack != null) {
            rack.close();
        }
    }

    private Build build(Map<String, String> files) throws Exception {
        return rack.done(rack.deliver(files));
    }

    @Test
    void aThiefFindsNoSecretAndNothingOutsiderSeeableHoldsOne() throws Exception {
        Path store = rack.world().config().storePath();
        Build b = build(Map.of(SampleRepository.THIEF, "steal\n"));
        assertEquals(BuildResult.SUCCESS, b.result(), b.description());
        String log = rack.get("/api/builds/" + b.id() + "/log").body();

        List<String> routes = log.lines().filter(l -> l.contains("ROUTE ")).map(l -> l.substring(l.indexOf("ROUTE ")))
                .toList();
        System.out.println("thief: " + routes.size() + " routes tried");
        routes.forEach(r -> System.out.println("  " + r));
        assertTrue(routes.size() >= 30, "the thief ran: " + log);
        assertTrue(routes.stream().anyMatch(r -> r.startsWith("ROUTE write a store: 0 files written")), log);
        assertTrue(routes.stream().anyMatch(r -> r.matches("ROUTE /proc/\\*/cmdline and environ: [1-9] processes visible")),
                "only its own few processes are visible: " + routes);

        Map<String, String> seen = new LinkedHashMap<>();
        seen.putAll(bucket());
        seen.put("GET /api/builds/" + b.id() + "/log", log);
        for (String page : List.of("/", "/builds", "/builds/" + b.id(), "/api/builds", "/api/builds/" + b.id(),
                "/api/workers", "/metrics", "/healthz")) {
            seen.put("GET " + page, rack.get(page).body());
        }
        for (RecordedStatus s : rack.world().github().statuses()) {
            seen.put("status " + s.state() + " on " + s.sha(), s.state() + " " + s.context() + " " + s.description()
                    + " " + s.targetUrl());
        }
        Map<String, String> forms = secretForms(rack.world().config());
        int hits = 0;
        for (Map.Entry<String, String> object : seen.entrySet()) {
            for (Map.Entry<String, String> form : forms.entrySet()) {
                if (object.getValue().contains(form.getValue())) {
                    hits++;
                    System.out.println("LEAK: " + form.getKey() + " in " + object.getKey());
                }
            }
        }
        System.out.println("searched " + seen.size() + " objects an outsider sees for " + forms.size()
                + " forms of the config's secrets: " + hits + " found");
        assertEquals(0, hits);

        assertTrue(log.contains("isolation: a bubblewrap sandbox"), log);
        assertEquals(200, rack.get("/healthz").statusCode(), "the controller is alive");
        assertFalse(new String(Files.readAllBytes(store), StandardCharsets.ISO_8859_1).contains("THIEF-WAS-HERE"));
        assertEquals("ok", integrity(store));
    }

    @Test
    void aRunawayBuildEndsInErrorNamingItsLimitAndTheNextBuildRuns() throws Exception {
        Build hog = build(Map.of(SampleRepository.HOG, "fork and eat\n"));
        assertEquals(BuildResult.ERROR, hog.result(), hog.description());
        assertTrue(hog.description().startsWith("the build reached its"), hog.description());
        assertTrue(hog.description().contains("processes") || hog.description().contains("MiB"), hog.description());
        assertEquals(200, rack.get("/healthz").statusCode(), "the controller keeps serving");
        Build next = build(Map.of("notes.txt", "a good change\n"));
        assertEquals(BuildResult.SUCCESS, next.result(), next.description());
    }

    /** Every object in the logs bucket, as the S3 API gives it. */
    private static Map<String, String> bucket() {
        Map<String, String> out = new LinkedHashMap<>();
        try (S3Client s3 = S3Client.builder().endpointOverride(rack.world().s3().endpoint()).forcePathStyle(true)
                .region(Region.of(rack.world().s3().region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                        rack.world().s3().accessKey(), rack.world().s3().secretKey()))).build()) {
            for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(DemoWorld.BUCKET)).contents()) {
                byte[] bytes = s3.getObjectAsBytes(r -> r.bucket(DemoWorld.BUCKET).key(o.key())).asByteArray();
                out.put("s3://" + DemoWorld.BUCKET + "/" + o.key(), new String(bytes, StandardCharsets.ISO_8859_1));
            }
        }
        return out;
    }

    /** Each secret of the config, plain, reversed, base64 and hex (a key line by line too). */
    private static Map<String, String> secretForms(BuildControlConfig c) {
        List<Secret> secrets = new ArrayList<>(c.recipe().masked());
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < secrets.size(); i++) {
            String v = secrets.get(i).reveal().strip();
            List<String> values = new ArrayList<>(List.of(v));
            v.lines().filter(l -> l.length() >= 16).forEach(values::add);
            for (String value : values) {
                String name = "secret " + i + (value.equals(v) ? "" : " (a line of it)");
                out.put(name + " plain", value);
                out.put(name + " reversed", new StringBuilder(value).reverse().toString());
                out.put(name + " base64", Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)));
                out.put(name + " hex", HexFormat.of().formatHex(value.getBytes(StandardCharsets.UTF_8)));
            }
        }
        return out;
    }

    private static String integrity(Path store) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + store + "?mode=ro");
             ResultSet r = c.createStatement().executeQuery("PRAGMA integrity_check")) {
            return r.next() ? r.getString(1) : "no answer";
        }
    }
}
