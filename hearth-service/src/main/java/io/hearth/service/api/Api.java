package io.hearth.service.api;

import static io.hearth.service.policy.CinderPolicies.*;

import io.hearth.service.auth.Authenticator;
import io.hearth.service.backup.BackupApi;
import io.hearth.service.backup.BackupProgress;
import io.hearth.service.config.HearthConfig;
import io.hearth.service.health.OpsEndpoints;
import io.hearth.service.message.UserMessages;
import io.hearth.service.quota.QuotaService;
import io.hearth.service.scheduler.ServiceRegistry;
import io.hearth.service.volume.AttachmentApi;
import io.hearth.service.volume.VolumeApi;
import io.hearth.service.auth.ProjectScope;
import io.hearth.service.auth.RequestContext;
import io.hearth.service.policy.Policy;
import io.hearth.service.db.Json;
import io.hearth.service.error.ErrorKind;
import io.hearth.service.error.ServiceException;
import io.hearth.service.tls.HttpsConnector;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The Cinder v3 HTTP API: routes, authentication, microversions and response headers, on Javalin. The route table
 * is also where each action's policy rule is enforced, once, before its handler runs.
 */
public final class Api implements AutoCloseable {
    private static final String VERSION_HEADER = "OpenStack-API-Version";
    /** Cinder's: the id user messages about the request's outcome carry. */
    private static final String REQUEST_ID_HEADER = "x-openstack-request-id";

    /** A handler that receives the authenticated request scope. */
    @FunctionalInterface
    interface ScopedHandler {
        void handle(Context ctx, RequestScope scope) throws Exception;
    }

    /** What the policy must allow before a route's handler runs. */
    @FunctionalInterface
    interface Guard {
        void check(Context ctx, RequestScope scope);
    }

    /** For routes cinder protects with no rule: any authenticated caller. */
    private static final Guard OPEN = (ctx, scope) -> { };

    private final Javalin app;
    private final Authenticator authenticator;
    private final ProjectScope projectScope;
    /** The rules in force now: a policy file's are read again when it changes. */
    private final Supplier<Policy> policy;
    private final Faults faults;
    private final ProxyHeaders proxyHeaders;
    private final Optional<HttpsConnector> https;

    public Api(Authenticator authenticator, ProjectScope projectScope, Supplier<Policy> policy, AuditLog audit, BackupApi backupApi, BackupProgress progress, VolumeApi volumeApi,
            AttachmentApi attachmentApi, QuotaService quotas, ServiceRegistry services, HearthConfig config, OpsEndpoints ops,
            UserMessages userMessages) {
        this.authenticator = authenticator;
        this.projectScope = projectScope;
        this.policy = policy;
        this.faults = new Faults(config.maxRequestBodySize());
        this.proxyHeaders = new ProxyHeaders(config.enableProxyHeadersParsing());
        // Cinder asks the rule with the caller's own project as the target (context.authorize's default).
        BackupResource backups = new BackupResource(backupApi, progress, config.maxLimit(),
                scope -> scope.policy().allows(BACKUP_ATTRIBUTES, scope.context(), scope.context().projectId()));
        VolumeResource volumes = new VolumeResource(volumeApi, attachmentApi, config.maxLimit());
        AdminResource admin = new AdminResource(quotas, services, config);
        MessageResource messages = new MessageResource(userMessages, config.maxLimit());
        // Read and checked before anything listens: a bad [ssl] file stops the start with the option's name.
        this.https = config.ssl().map(HttpsConnector::new);
        this.app = Javalin.create(javalin -> {
            javalin.jetty.host = config.listenHost();
            javalin.jetty.port = config.listenPort();
            https.ifPresent(tls -> javalin.jetty.addConnector((server, http) -> tls.connector(server, http, config.listenHost(),
                    config.listenPort())));
            javalin.startup.showJavalinBanner = false;
            javalin.concurrency.useVirtualThreads = true;
            javalin.router.ignoreTrailingSlashes = true;
            javalin.http.maxRequestSize = config.maxRequestBodySize();
            // What Jetty refuses before the routes see it is answered as a JSON fault too.
            javalin.jetty.modifyServer(server -> server.setErrorHandler(new JettyFaults()));
            javalin.requestLogger.http((ctx, millis) -> audit.record(ctx));
            routes(javalin.routes, backups, volumes, admin, messages);
            ops.routes(javalin.routes);
            new Dashboard(config.auth()).install(javalin);
            javalin.routes.exception(Exception.class, (failure, ctx) -> faults.handle(failure, ctx));
            // Javalin answers its own (a body over the limit) in plain text unless told otherwise.
            javalin.routes.exception(HttpResponseException.class, (failure, ctx) -> faults.handle(failure, ctx));
            javalin.routes.error(404, ctx -> {
                // Faults already written by handlers are JSON; anything else is the router's "no such endpoint".
                if (!"application/json".equals(ctx.res().getContentType())) {
                    faults.write(ctx, ErrorKind.NOT_FOUND, "The resource could not be found.");
                }
            });
            javalin.routes.error(405, ctx -> faults.write(ctx, ErrorKind.NOT_SUPPORTED, "The method is not allowed for the requested URL."));
        });
    }

    private void routes(RoutesConfig routes, BackupResource backups, VolumeResource volumes, AdminResource admin, MessageResource messages) {
        routes.get("/", ctx -> json(ctx, 300, AdminResource.versions(proxyHeaders.baseUrl(ctx))));
        routes.get("/v3", ctx -> json(ctx, 200, AdminResource.versions(proxyHeaders.baseUrl(ctx))));

        route(routes, HandlerType.GET, "/backups/detail", rule(BACKUP_GET_ALL), (ctx, s) -> backups.list(ctx, s, true));
        route(routes, HandlerType.POST, "/backups/import_record", rule(BACKUP_IMPORT), backups::importRecord);
        route(routes, HandlerType.GET, "/backups", rule(BACKUP_GET_ALL), (ctx, s) -> backups.list(ctx, s, false));
        route(routes, HandlerType.POST, "/backups", rule(BACKUP_CREATE), backups::create);
        route(routes, HandlerType.GET, "/backups/{id}/export_record", rule(BACKUP_EXPORT), (ctx, s) -> backups.export(ctx, s, ctx.pathParam("id")));
        route(routes, HandlerType.GET, "/backups/{id}/progress", rule(BACKUP_GET), (ctx, s) -> backups.progress(ctx, s, ctx.pathParam("id")));
        route(routes, HandlerType.POST, "/backups/{id}/restore", rule(BACKUP_RESTORE), (ctx, s) -> backups.restore(ctx, s, ctx.pathParam("id")));
        route(routes, HandlerType.POST, "/backups/{id}/action",
                bodyRules(Map.of("os-reset_status", BACKUP_RESET_STATUS, "os-force_delete", BACKUP_FORCE_DELETE)),
                (ctx, s) -> backups.action(ctx, s, ctx.pathParam("id")));
        route(routes, HandlerType.GET, "/backups/{id}", rule(BACKUP_GET), (ctx, s) -> backups.show(ctx, s, ctx.pathParam("id")));
        route(routes, HandlerType.PUT, "/backups/{id}", rule(BACKUP_UPDATE), (ctx, s) -> backups.update(ctx, s, ctx.pathParam("id")));
        route(routes, HandlerType.DELETE, "/backups/{id}", rule(BACKUP_DELETE), (ctx, s) -> backups.delete(ctx, s, ctx.pathParam("id")));

        route(routes, HandlerType.GET, "/volumes/detail", rule(VOLUME_GET_ALL), (ctx, s) -> volumes.list(ctx, s, true));
        route(routes, HandlerType.GET, "/volumes", rule(VOLUME_GET_ALL), (ctx, s) -> volumes.list(ctx, s, false));
        route(routes, HandlerType.POST, "/volumes", rule(VOLUME_CREATE), volumes::create);
        route(routes, HandlerType.POST, "/volumes/{id}/action",
                bodyRules(Map.of("os-extend", VOLUME_EXTEND, "os-reset_status", VOLUME_RESET_STATUS, "revert", VOLUME_REVERT)),
                (ctx, s) -> volumes.action(ctx, s, ctx.pathParam("id")));
        route(routes, HandlerType.GET, "/volumes/{id}", rule(VOLUME_GET), (ctx, s) -> volumes.show(ctx, s, ctx.pathParam("id")));
        route(routes, HandlerType.PUT, "/volumes/{id}", rule(VOLUME_UPDATE), (ctx, s) -> volumes.update(ctx, s, ctx.pathParam("id")));
        route(routes, HandlerType.DELETE, "/volumes/{id}", rule(VOLUME_DELETE), (ctx, s) -> volumes.delete(ctx, s, ctx.pathParam("id")));

        route(routes, HandlerType.GET, "/snapshots/detail", rule(SNAPSHOT_GET_ALL), (ctx, s) -> volumes.listSnapshots(ctx, s, true));
        route(routes, HandlerType.GET, "/snapshots", rule(SNAPSHOT_GET_ALL), (ctx, s) -> volumes.listSnapshots(ctx, s, false));
        route(routes, HandlerType.POST, "/snapshots", rule(SNAPSHOT_CREATE), volumes::createSnapshot);
        route(routes, HandlerType.GET, "/snapshots/{id}", rule(SNAPSHOT_GET), (ctx, s) -> volumes.showSnapshot(ctx, s, ctx.pathParam("id")));
        route(routes, HandlerType.DELETE, "/snapshots/{id}", rule(SNAPSHOT_DELETE), (ctx, s) -> volumes.deleteSnapshot(ctx, s, ctx.pathParam("id")));

        // Cinder has no rule for reading attachments: a caller reads those of the volumes it can see.
        route(routes, HandlerType.GET, "/attachments/detail", OPEN, volumes::listAttachments);
        route(routes, HandlerType.GET, "/attachments", OPEN, volumes::listAttachments);
        route(routes, HandlerType.POST, "/attachments", rule(ATTACHMENT_CREATE), volumes::createAttachment);
        route(routes, HandlerType.POST, "/attachments/{id}/action", bodyRules(Map.of("os-complete", ATTACHMENT_COMPLETE)),
                (ctx, s) -> volumes.attachmentAction(ctx, s, ctx.pathParam("id")));
        route(routes, HandlerType.GET, "/attachments/{id}", OPEN, (ctx, s) -> volumes.showAttachment(ctx, s, ctx.pathParam("id")));
        route(routes, HandlerType.PUT, "/attachments/{id}", rule(ATTACHMENT_UPDATE), (ctx, s) -> volumes.updateAttachment(ctx, s, ctx.pathParam("id")));
        route(routes, HandlerType.DELETE, "/attachments/{id}", rule(ATTACHMENT_DELETE), (ctx, s) -> volumes.deleteAttachment(ctx, s, ctx.pathParam("id")));

        route(routes, HandlerType.GET, "/messages", rule(MESSAGE_GET_ALL), messages::list);
        route(routes, HandlerType.GET, "/messages/{id}", rule(MESSAGE_GET), (ctx, s) -> messages.show(ctx, s, ctx.pathParam("id")));
        route(routes, HandlerType.DELETE, "/messages/{id}", rule(MESSAGE_DELETE), (ctx, s) -> messages.delete(ctx, s, ctx.pathParam("id")));

        route(routes, HandlerType.GET, "/os-quota-sets/{target}/defaults", quotaRule(QUOTAS_SHOW),
                (ctx, s) -> admin.showQuota(ctx, s, ctx.pathParam("target"), true));
        route(routes, HandlerType.GET, "/os-quota-sets/{target}", quotaRule(QUOTAS_SHOW),
                (ctx, s) -> admin.showQuota(ctx, s, ctx.pathParam("target"), false));
        route(routes, HandlerType.PUT, "/os-quota-sets/{target}", quotaRule(QUOTAS_UPDATE), (ctx, s) -> admin.updateQuota(ctx, s, ctx.pathParam("target")));
        route(routes, HandlerType.GET, "/limits", rule(LIMITS), admin::limits);
        route(routes, HandlerType.GET, "/os-services", rule(SERVICES_INDEX), admin::listServices);
        route(routes, HandlerType.PUT, "/os-services/{action}", rule(SERVICES_UPDATE), (ctx, s) -> admin.changeService(ctx, s, ctx.pathParam("action")));
        route(routes, HandlerType.GET, "/os-availability-zone", OPEN, (ctx, s) -> admin.zones(ctx));
    }

    /** The action's rule, on the project in the URL (or the caller's). */
    private Guard rule(String action) {
        return (ctx, scope) -> scope.policy().enforce(action, scope.context(), scope.linkProject());
    }

    /** Quotas are the {target} project's: cinder checks the rule against that project. */
    private Guard quotaRule(String action) {
        return (ctx, scope) -> scope.policy().enforce(action, scope.context(), ctx.pathParam("target"));
    }

    /**
     * For action bodies ({@code {"os-reset_status": {...}}}): the rule of every action the body names. A body that
     * is not a JSON object names none, and the handler answers 400.
     */
    private Guard bodyRules(Map<String, String> rulesByKey) {
        return (ctx, scope) -> {
            for (String key : ActionKeys.of(ctx.bodyAsBytes())) {
                String action = rulesByKey.get(key);
                if (action != null) {
                    scope.policy().enforce(action, scope.context(), scope.linkProject());
                }
            }
        };
    }

    /** Registers a path with the project in the URL and, from 3.67, without it. */
    private void route(RoutesConfig routes, HandlerType method, String suffix, Guard guard, ScopedHandler handler) {
        routes.addHttpHandler(method, "/v3/{project_id}" + suffix, ctx -> handle(ctx, Optional.of(ctx.pathParam("project_id")), guard, handler));
        routes.addHttpHandler(method, "/v3" + suffix, ctx -> handle(ctx, Optional.empty(), guard, handler));
    }

    private void handle(Context ctx, Optional<String> urlProject, Guard guard, ScopedHandler handler) throws Exception {
        ctx.header("Vary", VERSION_HEADER);
        String requestId = RequestContext.newRequestId();
        ctx.header(REQUEST_ID_HEADER, requestId);
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
        // The rules are resolved once per request: a policy file changed meanwhile applies from the next one.
        Policy rules = policy.get();
        RequestContext context;
        try {
            context = rules.context(authenticator.authenticate(Optional.ofNullable(ctx.header("X-Auth-Token")), urlProject), requestId);
        } catch (ServiceException e) {
            if (e.kind() == ErrorKind.UNAUTHORIZED) {
                authenticator.challenge().ifPresent(value -> ctx.header("WWW-Authenticate", value));
            }
            throw e;
        }
        ctx.attribute(AuditLog.CALLER, context);
        projectScope.requireUrlProject(context, urlProject);
        RequestScope scope = new RequestScope(context, version, urlProject, proxyHeaders.baseUrl(ctx), rules);
        guard.check(ctx, scope);
        handler.handle(ctx, scope);
    }

    static void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(Json.write(body));
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
        https.ifPresent(HttpsConnector::close);
    }
}
