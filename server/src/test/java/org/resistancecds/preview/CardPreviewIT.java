package org.resistancecds.preview;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.resistancecds.browser.AbstractBrowserIT;

/**
 * The card preview page in headless Chromium against the real server and engine: a stored patient is found by
 * id, the patient-view service answers cards that the page renders as an EHR would; accepting a suggestion
 * creates its resource on the FHIR server and stores feedback, overriding stores feedback with the reason; a
 * pasted Bundle is evaluated from prefetch. Screenshots go to {@code target/screenshots/}.
 */
class CardPreviewIT extends AbstractBrowserIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");
    private static final String CARD_IDENTIFIER = "https://resistance-cds.org/fhir/sid/cds-card|";

    @Override
    protected String scenario() {
        return "acquired-resistance-b2m-loss";
    }

    @Test
    void storedPatientCardsRenderAndAcceptAndOverrideAreRecorded() throws Exception {
        openPreview();
        browser.driver().findElement(By.id("patient-query")).sendKeys("sc-b2m");
        browser.driver().findElement(By.id("patient-search-button")).click();
        browser.await(d -> d.findElement(By.cssSelector("[data-patient-id='sc-b2m']"))).click();
        assertThat(text(By.id("patient-selected"))).contains("sc-b2m", "read from this server");
        new Select(browser.driver().findElement(By.id("service-select"))).selectByValue("ici-resistance-patient-view");
        browser.driver().findElement(By.id("call-service")).click();

        List<WebElement> cards = browser.await(d -> {
            List<WebElement> found = d.findElements(By.cssSelector("#cards article.card"));
            return found.isEmpty() ? null : found;
        });
        WebElement status = cardWithSummary(cards, "Acquired resistance");
        assertThat(status.getAttribute("class")).contains("indicator-warning");
        // Markdown was rendered (bold became <strong>), not shown as source.
        WebElement detail = status.findElement(By.cssSelector(".detail"));
        assertThat(detail.findElements(By.tagName("strong"))).isNotEmpty();
        assertThat(detail.getText()).doesNotContain("**");
        WebElement mechanism = browser.driver().findElements(By.cssSelector("#cards article.card")).stream()
                .filter(c -> c.getText().toLowerCase().contains("antigen presentation"))
                .findFirst().orElseThrow();
        assertThat(mechanism.findElements(By.cssSelector(".source a"))).isNotEmpty();
        browser.script("arguments[0].scrollIntoView()", status);
        browser.screenshot(SCREENSHOTS.resolve("card-preview-cards.png"));

        // Accept the first suggestion on the page: its resource is created, and the feedback stored.
        WebElement suggestionCard = browser.driver().findElements(By.cssSelector("#cards article.card")).stream()
                .filter(c -> !c.findElements(By.cssSelector("button.accept")).isEmpty())
                .findFirst().orElseThrow(() -> new AssertionError("no card with a suggestion"));
        String acceptedCard = suggestionCard.getAttribute("data-card-uuid");
        suggestionCard.findElement(By.cssSelector("button.accept")).click();
        String acceptedText = browser.await(d -> {
            String text = suggestionCard.findElement(By.cssSelector(".outcome")).getText();
            return text.isBlank() ? null : text;
        });
        assertThat(acceptedText).startsWith("Accepted.");
        Matcher created = Pattern.compile("Created (\\w+/[A-Za-z0-9\\-]+)").matcher(acceptedText);
        assertThat(created.find()).as(acceptedText).isTrue();
        HttpResponse<String> createdResource = get("/fhir/" + created.group(1));
        assertThat(createdResource.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(createdResource.body()).at("/subject/reference").asText()).isEqualTo("Patient/sc-b2m");
        JsonNode acceptedFeedback = feedback(acceptedText, acceptedCard);
        assertThat(acceptedFeedback.toString()).contains("\"valueCode\":\"accepted\"", "acceptedSuggestion");

        // Override the status card with a reason and a comment.
        String overriddenCard = status.getAttribute("data-card-uuid");
        new Select(status.findElement(By.cssSelector("select.override-reason"))).selectByVisibleText("Patient declined");
        status.findElement(By.cssSelector("input.override-comment")).sendKeys("Prefers to wait for the next scan");
        status.findElement(By.cssSelector("button.override-button")).click();
        String overriddenText = browser.await(d -> {
            String text = status.findElement(By.cssSelector(".outcome")).getText();
            return text.isBlank() ? null : text;
        });
        assertThat(overriddenText).startsWith("Overridden (Patient declined). Feedback stored as Basic/");
        JsonNode overrideFeedback = feedback(overriddenText, overriddenCard);
        assertThat(overrideFeedback.toString())
                .contains("\"valueCode\":\"overridden\"", "patient-declined", "Prefers to wait for the next scan");
        assertThat(status.findElement(By.cssSelector("button.override-button")).isEnabled()).isFalse();
        browser.script("arguments[0].scrollIntoView()", suggestionCard);
        browser.screenshot(SCREENSHOTS.resolve("card-preview-feedback.png"));
    }

    @Test
    void pastedBundleIsEvaluatedFromPrefetch() throws Exception {
        String bundle = Files.readString(SCENARIOS.resolve("acquired-resistance-jak1-jak2.bundle.json"));
        openPreview();
        browser.driver().findElement(By.cssSelector("input[name='patient-source'][value='bundle']")).click();
        // Typing a long document key by key is slow; set the value as a paste would.
        browser.script("document.getElementById('bundle-input').value = arguments[0];", bundle);
        browser.driver().findElement(By.id("bundle-use")).click();
        assertThat(text(By.id("patient-selected"))).contains("sc-jak", "sent as prefetch");
        new Select(browser.driver().findElement(By.id("service-select"))).selectByValue("ici-resistance-patient-view");
        browser.driver().findElement(By.id("call-service")).click();

        List<WebElement> cards = browser.await(d -> {
            List<WebElement> found = d.findElements(By.cssSelector("#cards article.card"));
            return found.isEmpty() ? null : found;
        });
        browser.script("arguments[0].scrollIntoView()", cardWithSummary(cards, "Acquired resistance"));
        assertThat(cards).anySatisfy(c -> assertThat(c.getText()).containsIgnoringCase("IFN-gamma"));
        browser.screenshot(SCREENSHOTS.resolve("card-preview-pasted-bundle.png"));
    }

    @Test
    void pageShowsTheServiceErrorForABadBundle() {
        openPreview();
        browser.driver().findElement(By.cssSelector("input[name='patient-source'][value='bundle']")).click();
        browser.script("document.getElementById('bundle-input').value = arguments[0];",
                "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[]}");
        browser.driver().findElement(By.id("bundle-use")).click();

        assertThat(text(By.id("patient-selected"))).contains("exactly one Patient");
        assertThat(browser.driver().findElement(By.id("call-service")).isEnabled()).isFalse();
    }

    private void openPreview() {
        browser.driver().get(baseUrl() + "/preview/");
        browser.await(d -> d.findElements(By.cssSelector("#service-select option")).size() == 3);
    }

    private String text(By locator) {
        return browser.driver().findElement(locator).getText();
    }

    private static WebElement cardWithSummary(List<WebElement> cards, String text) {
        return cards.stream()
                .filter(c -> c.findElement(By.cssSelector(".summary")).getText().contains(text))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no card whose summary contains '" + text + "'"));
    }

    /**
     * The Basic resource the page says the feedback went to; it must be stored under the card's identifier (cards
     * of a patient keep their ids, so other tests' feedback on the same card may exist: this is the page's own).
     */
    private JsonNode feedback(String outcomeText, String cardUuid) throws Exception {
        Matcher stored = Pattern.compile("Feedback stored as (Basic/[A-Za-z0-9\\-]+)").matcher(outcomeText);
        assertThat(stored.find()).as(outcomeText).isTrue();
        HttpResponse<String> basic = get("/fhir/" + stored.group(1));
        assertThat(basic.statusCode()).isEqualTo(200);
        HttpResponse<String> search = get("/fhir/Basic?identifier="
                + URLEncoder.encode(CARD_IDENTIFIER + cardUuid, StandardCharsets.UTF_8));
        String id = stored.group(1).substring("Basic/".length());
        assertThat(search.body()).as("found by the card's identifier").contains("\"id\":\"" + id + "\"");
        return JSON.readTree(basic.body());
    }
}
