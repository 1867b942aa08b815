package org.resistancecds.browser;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium driven headless through its chromedriver ({@code apt-get install chromium chromium-driver}),
 * for browser tests of pages the server serves. Both binaries are given by path, so Selenium Manager never runs
 * and nothing is downloaded. Every instance gets a fresh profile directory, removed on close.
 *
 * <pre>{@code
 * assumeTrue(HeadlessChromium.isInstalled(), HeadlessChromium.MISSING);
 * try (HeadlessChromium browser = HeadlessChromium.start()) {
 *     browser.driver().get(baseUrl() + "/preview/");
 *     browser.await(d -> d.findElement(By.id("cards")).isDisplayed());
 *     browser.screenshot(Path.of("target", "screenshots", "preview.png"));
 * }
 * }</pre>
 */
public final class HeadlessChromium implements AutoCloseable {

    public static final Path BROWSER = Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
    public static final Path DRIVER = Path.of(System.getProperty("chromedriver.binary", "/usr/bin/chromedriver"));
    public static final String MISSING = "Chromium and chromedriver are not installed (apt-get install -y chromium chromium-driver; .ci/run does it)";

    private final ChromeDriver driver;
    private final Path profile;

    private HeadlessChromium(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    /** Whether both binaries are present and executable. */
    public static boolean isInstalled() {
        return Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER);
    }

    /** Starts a browser with a 1280x1400 window. */
    public static HeadlessChromium start() throws IOException {
        Path profile = Files.createTempDirectory("chromium-profile-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments(
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=1280,1400",
                "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new HeadlessChromium(new ChromeDriver(service, options), profile);
    }

    public WebDriver driver() {
        return driver;
    }

    /**
     * Waits up to 30 seconds until the condition gives a value that is neither null nor false. An element the page
     * replaced while the condition read it (a form submit loads a new page) is looked for again at the next try: CI
     * once failed on the {@code body} of the page being left.
     */
    public <T> T await(Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(30)).ignoring(StaleElementReferenceException.class)
                .until(condition::apply);
    }

    /** Saves a PNG of the visible page, creating the folder; returns the file. */
    public Path screenshot(Path file) throws IOException {
        File png = driver.getScreenshotAs(OutputType.FILE);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.copy(png.toPath(), file, StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    /** Runs JavaScript in the page and returns its result (for what the DOM does not show, such as console state). */
    public Object script(String javascript, Object... args) {
        return driver.executeScript(javascript, args);
    }

    @Override
    public void close() throws IOException {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
