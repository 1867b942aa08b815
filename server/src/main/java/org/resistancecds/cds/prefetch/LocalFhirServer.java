package org.resistancecds.cds.prefetch;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Recognises this server's own FHIR endpoint in a request's {@code fhirServer}, so its data is read from the
 * repository directly instead of over HTTP.
 *
 * @param bases this server's FHIR base URLs as configured and as the current request reached it
 * @param localPort the port the current request arrived on
 * @param fhirPath the FHIR endpoint's path, e.g. {@code /fhir}
 */
public record LocalFhirServer(List<URI> bases, int localPort, String fhirPath) {

    public LocalFhirServer {
        bases = List.copyOf(bases);
    }

    public boolean isSelf(URI fhirServer) {
        for (URI base : bases) {
            if (sameEndpoint(base, fhirServer)) {
                return true;
            }
        }
        // Clients on the same machine may name it localhost, 127.0.0.1 or ::1 whatever the request used.
        return isLoopback(fhirServer)
                && port(fhirServer) == localPort
                && trimmedPath(fhirServer).equals(trimmedPath(URI.create("http://x" + fhirPath)));
    }

    /** True for names and literals of the loopback interface; no DNS lookup is made. */
    public static boolean isLoopback(URI uri) {
        String host = uri.getHost();
        if (host == null) {
            return false;
        }
        host = host.toLowerCase(Locale.ROOT);
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
    }

    static boolean sameEndpoint(URI a, URI b) {
        return Objects.equals(lower(a.getScheme()), lower(b.getScheme()))
                && Objects.equals(lower(a.getHost()), lower(b.getHost()))
                && port(a) == port(b)
                && trimmedPath(a).equals(trimmedPath(b));
    }

    static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static String trimmedPath(URI uri) {
        String path = uri.getPath() == null ? "" : uri.getPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path;
    }

    private static String lower(String text) {
        return text == null ? null : text.toLowerCase(Locale.ROOT);
    }
}
