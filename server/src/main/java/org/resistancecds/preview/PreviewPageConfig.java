package org.resistancecds.preview;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The card preview and the resistance timeline are static HTML and JavaScript under {@code static/preview/} and
 * {@code static/timeline/}. Spring serves a folder's {@code index.html} only for the root, so {@code /preview/} and
 * {@code /timeline/} are forwarded to it, and {@code /preview} and {@code /timeline} redirected.
 */
@Configuration
public class PreviewPageConfig implements WebMvcConfigurer {

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        for (String page : new String[] {"/preview", "/timeline"}) {
            registry.addRedirectViewController(page, page + "/");
            registry.addViewController(page + "/").setViewName("forward:" + page + "/index.html");
        }
    }
}
