package io.hearth.cli.server;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import io.hearth.cli.client.ApiClient;
import io.hearth.engine.HearthException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard end to end: a real {@code hearth serve}, the page in headless Chromium (the system's, driven by
 * Playwright), every action done by clicking, every result read from the page and checked against the API.
 * Screenshots of the main pages go to target/dashboard-screenshots.
 */
class DashboardIT {
    /** Backups of a few MiB take seconds, but the machine may be busy. */
    private static final double WAIT_MS = 120_000;
    private static final List<String> CHROMIUM_FLAGS = List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync");

    @TempDir
    Path dir;

    @Test
    void signInBackUpRestoreExportImportDeleteThenServicesAndCharts() throws Exception {
        Path config = dir.resolve("web.conf");
        Files.write(config, List.of("[DEFAULT]", "state_path = " + dir.resolve("state"), "backup_posix_path = " + dir.resolve("repo"),
                "backup_max_operations = 2", "host = web-host"));
        Path chromium = chromium();
        Path screenshots = Path.of(System.getProperty("hearth.dashboard.screenshots", "target/dashboard-screenshots"));
        Files.createDirectories(screenshots);
        PlaywrightAssertions.setDefaultAssertionTimeout(WAIT_MS);

        try (ServerProcess server = ServerProcess.start(config, dir.resolve("server.log"));
                Playwright playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
                Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(chromium).setHeadless(true)
                        .setArgs(CHROMIUM_FLAGS))) {
            ApiClient api = new ApiClient(server.url(), "admin:demo");
            Page page = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900)).newPage();
            page.setDefaultTimeout(WAIT_MS);

            // Sign in with a noauth token.
            page.navigate(server.url() + "/dashboard");
            assertThat(page.locator("#noauth-form")).isVisible();
            assertThat(page.locator("#keystone-form")).isHidden();
            page.screenshot(new Page.ScreenshotOptions().setPath(screenshots.resolve("sign-in.png")));
            page.fill("#noauth-form input[name=token]", "admin:demo:admin");
            page.click("#noauth-form button[type=submit]");
            assertThat(page.locator("#who-name")).hasText("admin in project demo (admin)");
            assertThat(page.locator("#main p.empty")).containsText("No volumes yet");

            // A volume, with some data written into it.
            dialog(page, "#create-volume", Map.of("input[name=name]", "web-disk"));
            Locator volume = page.locator("section.volume[data-name=web-disk]");
            assertThat(volume).hasAttribute("data-status", "available");
            String volumeId = volume.getAttribute("data-id");
            // 3 MiB of random data, and its first MiB again at 200 MiB: stored once.
            Path first = randomFile("first.img", 1, 3);
            try (RandomAccessFile file = new RandomAccessFile(first.toFile(), "rw")) {
                file.seek(200L << 20);
                file.write(Files.readAllBytes(first), 0, 1 << 20);
            }
            ServeIT.hearth(server, "volume", "write", volumeId, first.toString());

            // Full, then incremental, each shown creating and then available, with its sizes.
            dialog(page, "section.volume[data-name=web-disk] button.backup-full", Map.of("input[name=name]", "full-1"));
            Locator full = backup(page, "full-1");
            assertThat(full).hasAttribute("data-status", "available");
            assertThat(full).hasAttribute("data-kind", "full");
            assertThat(full.locator(".logical")).hasText("logical 1 GiB");
            String fullId = full.getAttribute("data-id");
            long fullStored = api.get("/backups/" + fullId).at("/backup/hearth:stored_bytes").asLong();
            assertThat(fullStored).as("3 MiB of random data, the repeated MiB deduplicated").isBetween(3L << 20, 4L << 20);
            assertThat(full.locator(".stored")).hasText(Pattern.compile("stored 3\\.\\d\\d MiB"));
            assertThat(volume).hasAttribute("data-status", "available");

            // A new first MiB: the incremental stores about that.
            ServeIT.hearth(server, "volume", "write", volumeId, randomFile("second.img", 2, 1).toString());
            dialog(page, "section.volume[data-name=web-disk] button.backup-incremental", Map.of("input[name=name]", "inc-1"));
            Locator incremental = backup(page, "inc-1");
            assertThat(incremental).hasAttribute("data-status", "available");
            assertThat(incremental).hasAttribute("data-kind", "incremental");
            // The chain: the incremental sits under the full backup it was made on.
            assertChild(page, "full-1", "inc-1");
            String incrementalId = incremental.getAttribute("data-id");
            assertThat(api.get("/backups/" + incrementalId).at("/backup/hearth:stored_bytes").asLong()).isBetween(1L << 20, 2L << 20);
            assertThat(volume).hasAttribute("data-status", "available");
            page.screenshot(new Page.ScreenshotOptions().setPath(screenshots.resolve("volumes.png")).setFullPage(true));

            // Restore the incremental to a new volume.
            page.click(".backup[data-name=inc-1] button.restore");
            page.fill("#dialog[open] input[name=volumeName]", "restored-1");
            page.click("#dialog[open] button[type=submit]");
            assertThat(page.locator("#dialog")).not().isVisible();
            Locator restored = page.locator("section.volume[data-name=restored-1]");
            assertThat(restored).hasAttribute("data-status", "available");
            assertThat(incremental).hasAttribute("data-status", "available");
            String restoredId = restored.getAttribute("data-id");

            // Restore the full backup over that volume: it holds the full backup's data again.
            page.click(".backup[data-name=full-1] button.restore");
            page.check("#dialog[open] input[name=target][value=existing]");
            page.selectOption("#dialog[open] select[name=volume]", restoredId);
            page.click("#dialog[open] button[type=submit]");
            assertThat(page.locator("#dialog")).not().isVisible();
            // The API had the volume restoring before it answered; the page may not show that yet, so ask the API.
            api.await("/volumes/" + restoredId, v -> v.at("/volume/status").asText().equals("available"), Duration.ofMinutes(2), () -> {});
            api.await("/backups/" + fullId, b -> b.at("/backup/status").asText().equals("available"), Duration.ofMinutes(2), () -> {});
            Path read = dir.resolve("read.img");
            ServeIT.hearth(server, "volume", "read", restoredId, read.toString());
            assertThat(start(read, 3 << 20)).isEqualTo(start(first, 3 << 20));
            assertThat(restored).hasAttribute("data-status", "available");

            // Export the incremental's record, delete the backup, import the record: it is back, in its chain.
            page.click(".backup[data-name=inc-1] button.export");
            Locator record = page.locator("#dialog[open] textarea[name=record]");
            assertThat(record).hasValue(Pattern.compile("\"backup_url\""));
            String exported = record.inputValue();
            assertThat(ApiClient.parse(exported).at("/backup-record/backup_service").asText())
                    .isEqualTo(api.get("/backups/" + incrementalId + "/export_record").at("/backup-record/backup_service").asText());
            page.screenshot(new Page.ScreenshotOptions().setPath(screenshots.resolve("export-record.png")));
            page.click("#dialog[open] button.cancel");

            page.click(".backup[data-name=inc-1] button.delete");
            assertThat(page.locator("#dialog[open] h2")).hasText("Delete backup inc-1?");
            page.click("#dialog[open] button[type=submit]");
            assertThat(page.locator(".backup[data-name=inc-1]")).hasCount(0);
            assertThat(api.getOrNull("/backups/" + incrementalId)).isNull();

            dialog(page, "#import-record", Map.of("textarea[name=record]", exported));
            assertThat(incremental).hasAttribute("data-status", "available");
            assertThat(incremental).hasAttribute("data-id", incrementalId);
            assertChild(page, "full-1", "inc-1");

            // Bad input: the API's own message in the dialog, nothing created; and a paste that is not JSON at all.
            String malformed = "{\"backup-record\": {\"backup_service\": \"x\", \"backup_url\": \"!!\"}}";
            String apiMessage = apiRefusal(api, malformed);
            page.click("#import-record");
            page.fill("#dialog[open] textarea[name=record]", malformed);
            page.click("#dialog[open] button[type=submit]");
            assertThat(page.locator("#dialog[open] .dialog-error")).hasText(apiMessage);
            page.fill("#dialog[open] textarea[name=record]", "not a record");
            page.click("#dialog[open] button[type=submit]");
            assertThat(page.locator("#dialog[open] .dialog-error")).containsText("The record is not JSON");
            page.screenshot(new Page.ScreenshotOptions().setPath(screenshots.resolve("import-refused.png")));
            page.click("#dialog[open] button.cancel");
            assertThat(api.get("/backups").get("backups")).hasSize(2);
            assertThat(page.locator(".backup")).hasCount(2);

            // The services page: the backup service is up.
            page.click("#nav a[data-page=services]");
            assertThat(page.locator("tr.service[data-binary=cinder-backup]")).hasAttribute("data-state", "up");
            assertThat(page.locator("#backup-health")).hasText("Backup services: 1 of 1 up and enabled.");
            assertThat(page.locator("tr.service")).hasCount(api.get("/os-services").get("services").size());
            page.screenshot(new Page.ScreenshotOptions().setPath(screenshots.resolve("services.png")));

            // The charts: one point per backup with stored bytes, the last one the sum of them.
            page.click("#nav a[data-page=charts]");
            JsonNode backups = api.get("/backups/detail").get("backups");
            List<JsonNode> withStored = StreamSupport.stream(backups.spliterator(), false)
                    .filter(b -> b.get("hearth:stored_bytes").isNumber()).toList();
            assertThat(withStored).hasSize(2);
            long totalStored = withStored.stream().mapToLong(b -> b.get("hearth:stored_bytes").asLong()).sum();
            assertThat(page.locator("#chart-stored circle.point")).hasCount(withStored.size());
            assertThat(page.locator("#chart-ratio circle.point")).hasCount(withStored.size());
            assertThat(page.locator("#chart-stored circle.point").last()).hasAttribute("data-value", Long.toString(totalStored));
            double ratio = Double.parseDouble(page.locator("#chart-ratio circle.point").last().getAttribute("data-value"));
            assertThat(ratio).isCloseTo(2.0 * (1L << 30) / totalStored, org.assertj.core.data.Offset.offset(1e-6));
            assertThat(page.locator("#storage-summary")).containsText("2 backup(s) restore 2.00 GiB");
            page.screenshot(new Page.ScreenshotOptions().setPath(screenshots.resolve("charts.png")).setFullPage(true));

            // The progress bar as the page draws it from the API's progress document (a real backup of a few MiB may
            // finish between two polls, so its bar is not something to wait for).
            Object bar = page.evaluate("""
                    async () => {
                      const {progressBar} = await import('/dashboard/js/volumes.js');
                      const bar = progressBar({operation: 'backup', bytes_done: 3 << 20, bytes_total: 4 << 20});
                      return [bar.dataset.percent, String(bar.querySelector('progress').value), bar.textContent];
                    }""");
            assertThat((List<Object>) bar).containsExactly("75", "3145728", "backup 75% (3.00 MiB of 4.00 MiB)");

            // Signing out forgets the token.
            page.click("#sign-out");
            assertThat(page.locator("#noauth-form")).isVisible();
            page.reload();
            assertThat(page.locator("#noauth-form")).isVisible();
        }
    }

    /** {@code -Dhearth.chromium=PATH}, else the {@code chromium} on the PATH (Debian's package). */
    private static Path chromium() {
        String chosen = System.getProperty("hearth.chromium");
        Path found = chosen != null ? Path.of(chosen) : java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
                .filter(d -> !d.isEmpty()).map(d -> Path.of(d, "chromium")).filter(Files::isExecutable).findFirst().orElse(null);
        assertThat(found).as("Chromium is needed: apt-get install chromium (or -Dhearth.chromium=PATH)").isNotNull();
        assertThat(found).as("Chromium at " + found).isExecutable();
        return found;
    }

    /** Opens a dialog with a click, fills it, submits it and waits until it has closed (the action was accepted). */
    private static void dialog(Page page, String opener, Map<String, String> fields) {
        page.click(opener);
        fields.forEach((selector, value) -> page.fill("#dialog[open] " + selector, value));
        page.click("#dialog[open] button[type=submit]");
        assertThat(page.locator("#dialog")).not().isVisible();
    }

    private static Locator backup(Page page, String name) {
        return page.locator(".backup[data-name=" + name + "]");
    }

    private static void assertChild(Page page, String parent, String child) {
        assertThat(page.locator(".backup-node:has(> .backup[data-name=" + parent + "]) > ul.chain > .backup-node > .backup[data-name="
                + child + "]")).hasCount(1, new LocatorAssertions.HasCountOptions().setTimeout(WAIT_MS));
    }

    /** What the API itself answers to this import, without the CLI's " (HTTP 400)". */
    private static String apiRefusal(ApiClient api, String body) {
        try {
            api.post("/backups/import_record", ApiClient.parse(body));
            throw new AssertionError("the import was accepted");
        } catch (HearthException e) {
            return e.getMessage().replaceFirst(" \\(HTTP 400\\)$", "");
        }
    }

    private static byte[] start(Path file, int length) throws IOException {
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            byte[] bytes = new byte[length];
            in.readFully(bytes);
            return bytes;
        }
    }

    /** {@code mib} MiB of seeded random data (incompressible, and unlike any other seed's). */
    private Path randomFile(String name, long seed, int mib) throws IOException {
        byte[] data = new byte[mib << 20];
        new Random(seed).nextBytes(data);
        return Files.write(dir.resolve(name), data);
    }
}
