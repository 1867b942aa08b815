package org.resistancecds.preview;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The card preview is static HTML and JavaScript under {@code static/preview/}. Spring serves a folder's
 * {@code index.html} only for the root, so {@code /preview/} is forwarded to it and {@code /preview} redirected.
 */
@Configuration
public class PreviewPageConfig implements WebMvcConfigurer {

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addRedirectViewController("/preview", "/preview/");
        registry.addViewController("/preview/").setViewName("forward:/preview/index.html");
    }
}
