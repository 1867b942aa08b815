package org.resistancecds.config;

/** The URLs of transaction and batch entries as HAPI reads them. */
public final class EntryUrls {

    private EntryUrls() {
    }

    /**
     * The entry's URL relative to the server base ({@code Patient/x}, {@code Patient?identifier=...}): HAPI accepts
     * a leading slash. Null for no URL, or an absolute one, which our checks leave to HAPI.
     */
    public static String relative(String url) {
        if (url == null || url.isBlank() || url.matches("^[A-Za-z][A-Za-z0-9+.-]*://.*")) {
            return null;
        }
        return url.startsWith("/") ? url.substring(1) : url;
    }
}
