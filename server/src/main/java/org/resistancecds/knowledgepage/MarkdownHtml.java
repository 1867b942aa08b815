package org.resistancecds.knowledgepage;

import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * The knowledge's Markdown (action descriptions) as HTML for the pages, by commonmark: raw HTML in the text is
 * escaped, not passed through, and links with unsafe schemes ({@code javascript:}) lose their target, so text
 * changed through the API cannot put script on a public page.
 */
final class MarkdownHtml {

    private static final Parser PARSER = Parser.builder().build();
    private static final HtmlRenderer RENDERER = HtmlRenderer.builder().escapeHtml(true).sanitizeUrls(true).build();

    private MarkdownHtml() {}

    /** The HTML of the text; empty for none. */
    static String render(String markdown) {
        return markdown == null || markdown.isBlank() ? "" : RENDERER.render(PARSER.parse(markdown)).strip();
    }
}
