package io.hearth.target.gcs;

import com.google.api.gax.rpc.FixedHeaderProvider;
import com.google.api.gax.retrying.RetrySettings;
import com.google.api.client.http.javanet.NetHttpTransport;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.http.HttpTransportOptions;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import io.hearth.engine.HearthException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.List;

/** Builds the client that {@link GcsSettings} describe. */
final class GcsClients {
    private GcsClients() {}

    static Storage build(GcsSettings settings) throws IOException {
        StorageOptions.Builder builder = StorageOptions.http()
                // Only one layer retries: the RetryingTarget the factory stacks on top, with cinder's retry options.
                .setRetrySettings(RetrySettings.newBuilder().setMaxAttempts(1).build())
                .setHeaderProvider(FixedHeaderProvider.create("user-agent", settings.userAgent()));
        settings.projectId().ifPresent(builder::setProjectId);
        settings.endpoint().ifPresent(endpoint -> builder.setHost(endpoint.toString()));
        if (settings.credentialFile().isPresent()) {
            builder.setCredentials(credentials(settings));
        } else {
            // Only with an endpoint (an emulator or a private gateway): GcsSettings requires a key file otherwise.
            builder.setCredentials(NoCredentials.getInstance());
        }
        if (settings.proxy().isPresent()) {
            Proxy proxy = new Proxy(Proxy.Type.HTTP, new InetSocketAddress(settings.proxy().get().getHost(),
                    settings.proxy().get().getPort() < 0 ? 80 : settings.proxy().get().getPort()));
            builder.setTransportOptions(HttpTransportOptions.newBuilder()
                    .setHttpTransportFactory(() -> new NetHttpTransport.Builder().setProxy(proxy).build()).build());
        }
        return builder.build().getService();
    }

    private static GoogleCredentials credentials(GcsSettings settings) throws IOException {
        try (InputStream in = Files.newInputStream(settings.credentialFile().get())) {
            return GoogleCredentials.fromStream(in).createScoped(List.of("https://www.googleapis.com/auth/devstorage.read_write"));
        } catch (NoSuchFileException e) {
            throw HearthException.badInput("backup_gcs_credential_file " + settings.credentialFile().get() + " does not exist");
        } catch (IOException e) {
            throw HearthException.badInput("backup_gcs_credential_file " + settings.credentialFile().get()
                    + " is not a Google service account key file: " + e.getMessage());
        }
    }
}
