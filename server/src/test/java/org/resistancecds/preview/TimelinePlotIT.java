package org.resistancecds.preview;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.resistancecds.browser.AbstractBrowserIT;

/**
 * The resistance timeline page in headless Chromium: for a patient whose plasma ctDNA shows JAK1 emerging at
 * progression, the page draws the therapy band, the response markers, the JAK1 allele-frequency line and the
 * status changes from {@code $resistance-timeline}. The screenshot goes to {@code target/screenshots/}.
 */
class TimelinePlotIT extends AbstractBrowserIT {

    @Override
    protected String scenario() {
        return "serial-ctdna-emergent-jak1";
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
        // Labels never print over each other: date ticks are thinned to fit, close responses take a second row.
        List<Double> ticks = plot.findElements(By.cssSelector(".date-tick")).stream()
                .map(tick -> Double.parseDouble(tick.getAttribute("x"))).toList();
        assertThat(ticks).hasSizeGreaterThanOrEqualTo(3);
        for (int i = 1; i < ticks.size(); i++) {
            assertThat(ticks.get(i) - ticks.get(i - 1)).isGreaterThanOrEqualTo(40);
        }
        List<WebElement> responses = plot.findElements(By.cssSelector(".response-label"));
        for (int i = 0; i < responses.size(); i++) {
            for (int j = i + 1; j < responses.size(); j++) {
                WebElement a = responses.get(i), b = responses.get(j);
                if (a.getAttribute("y").equals(b.getAttribute("y"))) {
                    assertThat(Math.abs(Double.parseDouble(a.getAttribute("x")) - Double.parseDouble(b.getAttribute("x"))))
                            .as("labels in one row").isGreaterThan(a.getText().length() * 3 + b.getText().length() * 3 + 4);
                }
            }
        }
        assertThat(browser.driver().findElement(By.id("status")).getText()).contains("1 therapy period,", "1 variant,");
        // The same data as text, for those who cannot read the plot or its tooltips.
        List<WebElement> therapies = browser.driver().findElements(By.cssSelector("#therapy-table tbody tr"));
        assertThat(therapies).hasSize(1);
        assertThat(therapies.get(0).findElements(By.tagName("td")).get(2).getText()).matches("\\d{4}-\\d{2}-\\d{2}");
        assertThat(browser.driver().findElements(By.cssSelector("#response-table tbody tr")))
                .hasSize(plot.findElements(By.cssSelector(".response")).size());
        List<WebElement> samples = browser.driver().findElements(By.cssSelector("#variant-table tbody tr"));
        assertThat(samples).hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(row -> assertThat(row.getText()).contains("JAK1"))
                .anySatisfy(row -> assertThat(row.getText()).contains("emergent", "yes", " %"));
        browser.screenshot(Path.of("target", "screenshots", "timeline-emergent-jak1.png"));
    }

    /** As the landing page opens it: no patient yet, so the page asks for one, and draws the one given. */
    @Test
    void withoutAPatientThePageAsksForOneAndDrawsTheOneEntered() {
        browser.driver().get(baseUrl() + "/timeline");
        browser.await(d -> "waiting".equals(d.findElement(By.tagName("body")).getAttribute("data-state")));
        assertThat(browser.driver().findElement(By.id("how-to")).getText()).contains("load-scenario.sh", "sc-ser-jak1");
        assertThat(browser.driver().findElement(By.id("status")).getAttribute("class")).isNotEqualTo("error");

        browser.driver().findElement(By.id("patient")).sendKeys("sc-ser-jak1");
        browser.driver().findElement(By.cssSelector("#patient-form button")).click();

        browser.await(d -> "drawn".equals(d.findElement(By.tagName("body")).getAttribute("data-state")));
        assertThat(browser.driver().findElements(By.cssSelector("#plot svg"))).isNotEmpty();
        assertThat(browser.driver().findElement(By.id("how-to")).isDisplayed()).isFalse();
    }

    @Test
    void unknownPatientSaysSoInsteadOfDrawing() {
        browser.driver().get(baseUrl() + "/timeline/index.html?patient=no-such-patient");
        browser.await(d -> "error".equals(d.findElement(By.tagName("body")).getAttribute("data-state")));

        assertThat(browser.driver().findElement(By.id("status")).getText()).isNotBlank();
        assertThat(browser.driver().findElements(By.cssSelector("#plot svg"))).isEmpty();
    }
}
