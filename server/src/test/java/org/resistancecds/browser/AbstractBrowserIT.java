package org.resistancecds.browser;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.resistancecds.AbstractOpenServerIT;

/**
 * A page test in headless Chromium against the open test server: stores the test's scenario, starts one browser
 * for the class and closes it after. Skipped when Chromium is missing, unless RESISTANCE_BROWSER_TESTS_REQUIRED
 * is {@code true} (as .ci/run sets it).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AbstractBrowserIT extends AbstractOpenServerIT {

    protected HeadlessChromium browser;

    /** The golden scenario (file name without {@code .bundle.json}) the page under test shows. */
    protected abstract String scenario();

    @BeforeAll
    void startBrowser() throws Exception {
        boolean required = "true".equals(System.getenv("RESISTANCE_BROWSER_TESTS_REQUIRED"));
        assumeTrue(required || HeadlessChromium.isInstalled(), HeadlessChromium.MISSING);
        storeScenario(scenario());
        browser = HeadlessChromium.start();
    }

    @AfterAll
    void stopBrowser() throws Exception {
        if (browser != null) {
            browser.close();
        }
    }
}
