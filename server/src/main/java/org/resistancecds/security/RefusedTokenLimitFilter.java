package org.resistancecds.security;

import ca.uhn.fhir.context.FhirContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.resistancecds.cds.CdsErrorBody;
import org.resistancecds.config.ThrottledWarning;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Bounds what a client address sending refused bearer tokens can cost, on {@code /fhir} and {@code /cds-services}.
 * Checking an ES384 signature takes about 2 ms of CPU on JDK 17 (bench/RESULTS.md), against a tenth of that for a
 * whole CDS call, so tokens naming a trusted issuer under a forged signature made each request twenty times dearer
 * to refuse. Once an address has had {@code resistance.http.failed-token-limit} tokens refused (401) within the
 * window, its further requests carrying a token are answered 429 with {@code Retry-After} before the token, or the
 * body, is read. Requests without a token pass: the public documents stay open to that address.
 */
public class RefusedTokenLimitFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(RefusedTokenLimitFilter.class);
    /** The reason this server's 401s give, in their challenge (RFC 6750). */
    private static final Pattern DESCRIPTION = Pattern.compile("error_description=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final FailedTokenThrottle throttle;
    private final FhirContext fhirContext;
    private final ThrottledWarning warning = ThrottledWarning.tenSecondsApart(log::warn);

    public RefusedTokenLimitFilter(FailedTokenThrottle throttle, FhirContext fhirContext) {
        this.throttle = throttle;
        this.fhirContext = fhirContext;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            chain.doFilter(request, response);
            return;
        }
        String address = request.getRemoteAddr();
        FailedTokenThrottle.Refusals holding = throttle.holding(address);
        if (holding != null) {
            long wait = holding.secondsLeft();
            warning.warn("Requests with a token from " + address + " refused with 429 for " + wait + " s: "
                    + holding.count() + " of its tokens were refused (resistance.http.failed-token-limit)");
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(wait));
            response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
            CdsErrorBody.write(request, response, fhirContext, 429, "Too many refused tokens: " + holding.count()
                    + " bearer tokens from this address were refused lately, so its requests are not checked for "
                    + wait + " s. The last was refused because: " + holding.lastReason());
            return;
        }
        chain.doFilter(request, response);
        if (response.getStatus() == HttpServletResponse.SC_UNAUTHORIZED) {
            throttle.refused(address, reason(response));
        }
    }

    private static String reason(HttpServletResponse response) {
        String challenge = response.getHeader(HttpHeaders.WWW_AUTHENTICATE);
        Matcher description = challenge == null ? null : DESCRIPTION.matcher(challenge);
        return description != null && description.find()
                ? description.group(1).replace("\\\"", "\"").replace("\\\\", "\\") : "401 Unauthorized";
    }
}
