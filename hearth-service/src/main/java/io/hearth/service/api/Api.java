package io.hearth.service.api;

import io.hearth.service.auth.Authenticator;
import io.hearth.service.backup.BackupApi;
import io.hearth.service.backup.BackupProgress;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.quota.QuotaService;
import io.hearth.service.scheduler.ServiceRegistry;
import io.hearth.service.volume.AttachmentApi;
import io.hearth.service.volume.VolumeApi;
import io.hearth.service.auth.ProjectScope;
import io.hearth.service.db.Json;
import io.hearth.service.error.ErrorKind;
import io.hearth.service.error.ServiceException;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The Cinder v3 HTTP API: routes, authentication, microversions and response headers, on Javalin. */
public final class Api implements AutoCloseable {
    private static final String VERSION_HEADER = "OpenStack-API-Version";

    /** A handler that receives the authenticated request scope. */
    @FunctionalInterface
    interface ScopedHandler {
        void handle(Context ctx, RequestScope scope) throws Exception;
    }

    private final Javalin app;
    private final Authenticator authenticator;
    private final ProjectScope projectScope;
    private final Faults faults = new Faults();

    public Api(Authenticator authenticator, ProjectScope projectScope, BackupApi backupApi, BackupProgress progress, VolumeApi volumeApi,
            AttachmentApi attachmentApi, QuotaService quotas, ServiceRegistry services, HearthConfig config) {
        this.authenticator = authenticator;
        this.projectScope = projectScope;
        BackupResource backups = new BackupResource(backupApi, progress, config.maxLimit());
        VolumeResource volumes = new VolumeResource(volumeApi, attachmentApi, config.maxLimit());
        AdminResource admin = new AdminResource(quotas, services, projectScope, config);
        this.app = Javalin.create(javalin -> {
            javalin.jetty.host = config.listenHost();
            javalin.jetty.port = config.listenPort();
            javalin.startup.showJavalinBanner = false;
            javalin.concurrency.useVirtualThreads = true;
            javalin.router.ignoreTrailingSlashes = true;
            javalin.http.maxRequestSize = 1024 * 1024;
            routes(javalin.routes, backups, volumes, admin);
            javalin.routes.exception(Exception.class, (failure, ctx) -> faults.handle(failure, ctx));
            javalin.routes.error(404, ctx -> {
                // Faults already written by handlers are JSON; anything else is the router's "no such endpoint".
                if (!"application/json".equals(ctx.res().getContentType())) {
                    faults.write(ctx, ErrorKind.NOT_FOUND, "The resource could not be found.");
                }
            });
            javalin.routes.error(405, ctx -> faults.write(ctx, ErrorKind.NOT_SUPPORTED, "The method is not allowed for the requested URL."));
        });
    }

    private void routes(RoutesConfig routes, BackupResource backups, VolumeResource volumes, AdminResource admin) {
        routes.get("/", ctx -> json(ctx, 300, AdminResource.versions(baseUrl(ctx))));
        routes.get("/v3", ctx -> json(ctx, 200, AdminResource.versions(baseUrl(ctx))));

        route(routes, HandlerType.GET, "/backups/detail", (ctx, s) -> backups.list(ctx, s, true));
        route(routes, HandlerType.POST, "/backups/import_record", backups::importRecord);
        route(routes, HandlerType.GET, "/backups", (ctx, s) -> backups.list(ctx, s, false));
        route(routes, HandlerType.POST, "/backups", backups::create);
        route(routes, HandlerType.GET, "/backups/{id}/export_record", (ctx, s) -> backups.export(ctx, s, ctx.pathParam("id")));
        route(routes, HandlerType.GET, "/backups/{id}/progress", (ctx, s) -> backups.progress(ctx, s, ctx.pathParam("id")));
        route(routes, HandlerType.POST, "/backups/{id}/restore", (ctx, s) -> backups.restore(ctx, s, ctx.pathParam("id")));
        route(routes, HandlerType.POST, "/backups/{id}/action", (ctx, s) -> backups.action(ctx, s, ctx.pathParam("id")));
        route(routes, HandlerType.GET, "/backups/{id}", (ctx, s) -> backups.show(ctx, s, ctx.pathParam("id")));
        route(routes, HandlerType.PUT, "/backups/{id}", (ctx, s) -> backups.update(ctx, s, ctx.pathParam("id")));
        route(routes, HandlerType.DELETE, "/backups/{id}", (ctx, s) -> backups.delete(ctx, s, ctx.pathParam("id")));

        route(routes, HandlerType.GET, "/volumes/detail", (ctx, s) -> volumes.list(ctx, s, true));
        route(routes, HandlerType.GET, "/volumes", (ctx, s) -> volumes.list(ctx, s, false));
        route(routes, HandlerType.POST, "/volumes", volumes::create);
        route(routes, HandlerType.POST, "/volumes/{id}/action", (ctx, s) -> volumes.action(ctx, s, ctx.pathParam("id")));
        route(routes, HandlerType.GET, "/volumes/{id}", (ctx, s) -> volumes.show(ctx, s, ctx.pathParam("id")));
        route(routes, HandlerType.PUT, "/volumes/{id}", (ctx, s) -> volumes.update(ctx, s, ctx.pathParam("id")));
        route(routes, HandlerType.DELETE, "/volumes/{id}", (ctx, s) -> volumes.delete(ctx, s, ctx.pathParam("id")));

        route(routes, HandlerType.GET, "/snapshots/detail", (ctx, s) -> volumes.listSnapshots(ctx, s, true));
        route(routes, HandlerType.GET, "/snapshots", (ctx, s) -> volumes.listSnapshots(ctx, s, false));
        route(routes, HandlerType.POST, "/snapshots", volumes::createSnapshot);
        route(routes, HandlerType.GET, "/snapshots/{id}", (ctx, s) -> volumes.showSnapshot(ctx, s, ctx.pathParam("id")));
        route(routes, HandlerType.DELETE, "/snapshots/{id}", (ctx, s) -> volumes.deleteSnapshot(ctx, s, ctx.pathParam("id")));

        route(routes, HandlerType.GET, "/attachments/detail", volumes::listAttachments);
        route(routes, HandlerType.GET, "/attachments", volumes::listAttachments);
        route(routes, HandlerType.POST, "/attachments", volumes::createAttachment);
        route(routes, HandlerType.POST, "/attachments/{id}/action", (ctx, s) -> volumes.attachmentAction(ctx, s, ctx.pathParam("id")));
        route(routes, HandlerType.GET, "/attachments/{id}", (ctx, s) -> volumes.showAttachment(ctx, s, ctx.pathParam("id")));
        route(routes, HandlerType.PUT, "/attachments/{id}", (ctx, s) -> volumes.updateAttachment(ctx, s, ctx.pathParam("id")));
        route(routes, HandlerType.DELETE, "/attachments/{id}", (ctx, s) -> volumes.deleteAttachment(ctx, s, ctx.pathParam("id")));

        route(routes, HandlerType.GET, "/os-quota-sets/{target}/defaults", (ctx, s) -> admin.showQuota(ctx, s, ctx.pathParam("target"), true));
        route(routes, HandlerType.GET, "/os-quota-sets/{target}", (ctx, s) -> admin.showQuota(ctx, s, ctx.pathParam("target"), false));
        route(routes, HandlerType.PUT, "/os-quota-sets/{target}", (ctx, s) -> admin.updateQuota(ctx, s, ctx.pathParam("target")));
        route(routes, HandlerType.GET, "/limits", admin::limits);
        route(routes, HandlerType.GET, "/os-services", admin::listServices);
        route(routes, HandlerType.PUT, "/os-services/{action}", (ctx, s) -> admin.changeService(ctx, s, ctx.pathParam("action")));
        route(routes, HandlerType.GET, "/os-availability-zone", (ctx, s) -> admin.zones(ctx));
    }

    /** Registers a path with the project in the URL and, from 3.67, without it. */
    private void route(RoutesConfig routes, HandlerType method, String suffix, ScopedHandler handler) {
        routes.addHttpHandler(method, "/v3/{project_id}" + suffix, ctx -> handle(ctx, Optional.of(ctx.pathParam("project_id")), handler));
        routes.addHttpHandler(method, "/v3" + suffix, ctx -> handle(ctx, Optional.empty(), handler));
    }

    private void handle(Context ctx, Optional<String> urlProject, ScopedHandler handler) throws Exception {
        ctx.header("Vary", VERSION_HEADER);
        // PostgreSQL cannot compare or store a NUL character; refused alike on every database (bodies: Json).
        if (Stream.concat(ctx.pathParamMap().values().stream(), ctx.queryParamMap().values().stream().flatMap(List::stream))
                .anyMatch(value -> value.indexOf('\0') >= 0)) {
            throw ServiceException.badRequest("Invalid input received: the URL contains a NUL character (%00).");
        }
        ApiVersion version;
        try {
            version = ApiVersion.fromHeader(ctx.header(VERSION_HEADER));
        } catch (ServiceException e) {
            ctx.header(VERSION_HEADER, "volume " + ApiVersion.MIN);
            throw e;
        }
        ctx.header(VERSION_HEADER, "volume " + version);
        if (urlProject.isEmpty() && !version.atLeast(ApiVersion.PROJECT_ID_OPTIONAL)) {
            throw ServiceException.notFound("The resource could not be found.");
        }
        var context = authenticator.authenticate(Optional.ofNullable(ctx.header("X-Auth-Token")), urlProject);
        projectScope.requireUrlProject(context, urlProject);
        handler.handle(ctx, new RequestScope(context, version, urlProject, baseUrl(ctx)));
    }

    static void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }

    static String baseUrl(Context ctx) {
        String forwarded = ctx.header("X-Forwarded-Host");
        String host = forwarded != null ? forwarded : ctx.host();
        return ctx.scheme() + "://" + host;
    }

    /** The same list request, with the marker of the page's last item. */
    static String nextLink(Context ctx, RequestScope scope, String collection, String lastId) {
        Map<String, List<String>> query = ctx.queryParamMap();
        String rest = query.entrySet().stream().filter(e -> !e.getKey().equals("marker"))
                .flatMap(e -> e.getValue().stream().map(v -> encode(e.getKey()) + "=" + encode(v)))
                .collect(Collectors.joining("&"));
        return scope.baseUrl() + "/v3/" + scope.linkProject() + "/" + collection + "?" + (rest.isEmpty() ? "" : rest + "&")
                + "marker=" + encode(lastId);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    public Api start() {
        app.start();
        return this;
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
