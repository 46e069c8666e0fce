package io.hearth.service.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.hearth.service.auth.AuthConfig;
import io.hearth.service.auth.KeystoneOptions;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import io.hearth.service.error.ServiceException;
import java.util.Map;
import java.util.Optional;

/**
 * The web dashboard (module hearth-web): its static files at {@code /dashboard}, {@code /dashboard/config.json}, which
 * tells the page how to sign in, and with Keystone the sign-in relay ({@link DashboardSignIn}). The page itself talks
 * only to the public Cinder v3 API with the user's token, so it can do nothing the user could not do with the
 * {@code openstack} client.
 */
final class Dashboard {
    static final String PATH = "/dashboard";
    private static final String FILES = "/io/hearth/web/dashboard";

    /** What the page needs before anyone signs in; nothing secret. */
    record PageConfig(@JsonProperty("auth_strategy") String authStrategy, @JsonProperty("keystone_url") String keystoneUrl,
            @JsonProperty("api_version") String apiVersion) {}

    private final PageConfig pageConfig;
    private final Map<String, String> headers;
    private final byte[] index;
    private final Optional<DashboardSignIn> signIn;

    Dashboard(AuthConfig auth) {
        String keystone = auth.keystone().map(Dashboard::identityUrl).orElse(null);
        this.signIn = auth.keystone().map(DashboardSignIn::new);
        // The microversion the page asks for: every backup field it shows is there by then.
        this.pageConfig = new PageConfig(auth.strategy(), keystone, ApiVersion.PROJECT_ID_OPTIONAL.toString());
        // No inline script or style and nothing from elsewhere (Keystone is reached through the api): an injected
        // string cannot run, nor send anything away.
        this.headers = Map.of("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none';"
                + " base-uri 'none'; form-action 'self'",
                "X-Content-Type-Options", "nosniff", "Referrer-Policy", "no-referrer", "Cache-Control", "no-cache");
        try (InputStream in = Dashboard.class.getResourceAsStream(FILES + "/index.html")) {
            if (in == null) {
                throw new IllegalStateException("the dashboard's files (module hearth-web) are not on the classpath");
            }
            this.index = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Registers the files and the two routes of the page; called while the api's Javalin is configured. */
    void install(JavalinConfig javalin) {
        javalin.staticFiles.add(files -> {
            files.hostedPath = PATH;
            files.directory = FILES;
            files.location = Location.CLASSPATH;
            files.headers = headers;
        });
        // With ignoreTrailingSlashes this is /dashboard and /dashboard/; the page names its files from /dashboard/.
        javalin.routes.get(PATH, this::index);
        javalin.routes.get(PATH + "/config.json", ctx -> {
            headers.forEach(ctx::header);
            Api.json(ctx, 200, pageConfig);
        });
        javalin.routes.post(PATH + "/auth/tokens", ctx -> signIn.orElseThrow(() -> ServiceException.notFound(
                "This Hearth runs with auth_strategy = noauth: sign in with a token user:project:ROLE.")).handle(ctx));
    }

    private void index(Context ctx) {
        headers.forEach(ctx::header);
        ctx.status(200).contentType("text/html; charset=utf-8").result(index);
    }

    /** Where clients authenticate ({@code www_authenticate_uri}), as an Identity v3 endpoint, shown on the page. */
    private static String identityUrl(KeystoneOptions keystone) {
        String uri = keystone.wwwAuthenticateUri().replaceAll("/+$", "");
        return uri.endsWith("/v3") ? uri : uri + "/v3";
    }
}
