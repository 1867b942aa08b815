package org.resistancecds.preview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.resistancecds.AbstractOpenServerIT;
import org.resistancecds.browser.HeadlessChromium;

/**
 * The resistance timeline page in headless Chromium: for a patient whose plasma ctDNA shows JAK1 emerging at
 * progression, the page draws the therapy band, the response markers, the JAK1 allele-frequency line and the
 * status changes from {@code $resistance-timeline}. The screenshot goes to {@code target/screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TimelinePlotIT extends AbstractOpenServerIT {

    private HeadlessChromium browser;

    @BeforeAll
    void startBrowser() throws Exception {
        boolean required = "true".equals(System.getenv("RESISTANCE_BROWSER_TESTS_REQUIRED"));
        assumeTrue(required || HeadlessChromium.isInstalled(), HeadlessChromium.MISSING);
        storeScenario("serial-ctdna-emergent-jak1");
        browser = HeadlessChromium.start();
    }

    @AfterAll
    void stopBrowser() throws Exception {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void emergentJak1IsDrawnWithTherapyResponsesAndStatus() throws Exception {
        browser.driver().get(baseUrl() + "/timeline/index.html?patient=sc-ser-jak1");
        browser.await(d -> "drawn".equals(d.findElement(By.tagName("body")).getAttribute("data-state")));

        WebElement plot = browser.driver().findElement(By.cssSelector("#plot svg"));
        assertThat(plot.findElements(By.cssSelector(".therapy-band"))).isNotEmpty();
        assertThat(plot.findElements(By.cssSelector(".response"))).hasSizeGreaterThanOrEqualTo(2);
        List<WebElement> lines = plot.findElements(By.cssSelector(".vaf-line"));
        assertThat(lines).anySatisfy(line -> assertThat(line.getAttribute("data-variant")).contains("JAK1"));
        assertThat(plot.findElements(By.cssSelector(".vaf-point"))).hasSizeGreaterThanOrEqualTo(2);
        assertThat(plot.findElements(By.cssSelector(".status-change"))).isNotEmpty();
        assertThat(plot.getText()).containsIgnoringCase("emergent");
        browser.screenshot(Path.of("target", "screenshots", "timeline-emergent-jak1.png"));
    }

    @Test
    void unknownPatientSaysSoInsteadOfDrawing() {
        browser.driver().get(baseUrl() + "/timeline/index.html?patient=no-such-patient");
        browser.await(d -> "error".equals(d.findElement(By.tagName("body")).getAttribute("data-state")));

        assertThat(browser.driver().findElement(By.id("status")).getText()).isNotBlank();
        assertThat(browser.driver().findElements(By.cssSelector("#plot svg"))).isEmpty();
    }
}
