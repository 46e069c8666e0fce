package io.hearth.service.health;

import io.hearth.service.db.Json;
import io.hearth.service.metrics.HearthMetrics;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The endpoints for operators and their tools, unauthenticated like cinder's {@code /healthcheck} (oslo.middleware):
 * {@code /healthcheck} (liveness: the process answers), {@code /ready} (readiness: the database and the bus work;
 * 503 with the reason otherwise) and {@code /metrics} (Prometheus text format). They say nothing about any project's
 * resources; keep the port away from untrusted networks if even load figures are private.
 */
public final class OpsEndpoints {
    /** The Prometheus text exposition format's content type. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final HearthMetrics metrics;
    private final Map<String, Supplier<Optional<String>>> readiness;

    /** @param readiness each named check's reason for not being ready, empty when it is */
    public OpsEndpoints(HearthMetrics metrics, Map<String, Supplier<Optional<String>>> readiness) {
        this.metrics = metrics;
        this.readiness = new LinkedHashMap<>(readiness);
    }

    public void routes(RoutesConfig routes) {
        routes.get("/healthcheck", ctx -> ctx.contentType("text/plain").result("OK"));
        routes.get("/ready", this::ready);
        routes.get("/metrics", ctx -> ctx.contentType(PROMETHEUS_TEXT).result(metrics.scrape()));
    }

    private void ready(Context ctx) {
        Map<String, String> checks = new LinkedHashMap<>();
        boolean ready = true;
        for (Map.Entry<String, Supplier<Optional<String>>> check : readiness.entrySet()) {
            Optional<String> problem;
            try {
                problem = check.getValue().get();
            } catch (RuntimeException e) {
                problem = Optional.of(String.valueOf(e.getMessage()));
            }
            checks.put(check.getKey(), problem.orElse("OK"));
            ready &= problem.isEmpty();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", ready ? "ready" : "not ready");
        body.put("checks", checks);
        ctx.status(ready ? 200 : 503).contentType("application/json").result(Json.write(body));
    }

    /** A listener of its own, for a process without the api (metrics_listen_port); port 0 takes a free one. */
    public Javalin serve(String host, int port) {
        return Javalin.create(javalin -> {
            javalin.jetty.host = host;
            javalin.jetty.port = port;
            javalin.startup.showJavalinBanner = false;
            javalin.concurrency.useVirtualThreads = true;
            routes(javalin.routes);
        }).start();
    }
}
