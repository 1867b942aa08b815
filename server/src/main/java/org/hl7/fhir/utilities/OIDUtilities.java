package org.hl7.fhir.utilities;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.hl7.fhir.exceptions.FHIRException;

/**
 * Replaces the class of the same name in org.hl7.fhir.utilities 6.7.9 (HAPI FHIR 8.8.0), which comes first on
 * the class path of the server jar and of the tests. The library's version parses its 1.5 MB OID registry in
 * its constructor, and the HL7 instance validator constructs one for every resource it validates: profiling
 * showed that parse to be 45 % of a warm {@code $validate}. This version reads the same registry file once per
 * process and shares it; its public API is the library's (checked by {@code OidUtilitiesShadowTest}, which
 * fails when a HAPI upgrade changes that API, the signal to check whether this class is still needed).
 */
public class OIDUtilities {

    private static final String URN = "urn:oid:";
    private static final Pattern OID = Pattern.compile("[0-2](\\.(0|[1-9][0-9]*))+");

    private static final Map<String, String> URIS_BY_OID = Map.ofEntries(
            Map.entry("2.16.840.1.113883.6.96", "http://snomed.info/sct"),
            Map.entry("2.16.840.1.113883.6.1", "http://loinc.org"),
            Map.entry("2.16.840.1.113883.6.8", "http://unitsofmeasure.org"),
            Map.entry("2.16.840.1.113883.6.3", "http://hl7.org/fhir/sid/icd-10"),
            Map.entry("2.16.840.1.113883.6.42", "http://hl7.org/fhir/sid/icd-9"),
            Map.entry("2.16.840.1.113883.6.104", "http://hl7.org/fhir/sid/icd-9"),
            Map.entry("2.16.840.1.113883.6.103", "http://hl7.org/fhir/sid/icd-9"),
            Map.entry("2.16.840.1.113883.6.73", "http://www.whocc.no/atc"),
            Map.entry("2.16.840.1.113883.3.26.1.1", "http://ncimeta.nci.nih.gov"),
            Map.entry("2.16.840.1.113883.3.26.1.1.1", "http://ncimeta.nci.nih.gov"),
            Map.entry("2.16.840.1.113883.6.88", "http://www.nlm.nih.gov/research/umls/rxnorm"),
            Map.entry("2.16.840.1.113883.6.59", "http://hl7.org/fhir/sid/cvx"),
            Map.entry("2.16.840.1.113883.12.292", "http://hl7.org/fhir/sid/cvx"),
            Map.entry("2.16.840.1.113883.6.12", "http://www.ama-assn.org/go/cpt"));

    public OIDUtilities() {
        // Fails as the library's constructor does when the registry cannot be read.
        Registry.entries();
    }

    /** The URI of a well-known code system's OID, else null. */
    public static String getUriForOid(String oid) {
        return URIS_BY_OID.get(oid);
    }

    public static String oidTail(String id) {
        return id == null || !id.contains(".") ? id : id.substring(id.lastIndexOf('.') + 1);
    }

    public static String oidRoot(String id) {
        return id == null || !id.contains(".") ? id : id.substring(0, id.indexOf('.'));
    }

    public static boolean isValidOID(String oid) {
        return OID.matcher(oid).matches();
    }

    /** Whether a {@code urn:oid:} URI names an OID of the registry. */
    public boolean isKnownOID(String uri) {
        return uri != null && uri.startsWith(URN) && Registry.entries().containsKey(uri.substring(URN.length()));
    }

    /** The library's registry file (OID, type, symbolic name, code system name), read on first use. */
    private static final class Registry {

        private static volatile Map<String, OIDInfo> entries;

        static Map<String, OIDInfo> entries() {
            Map<String, OIDInfo> loaded = entries;
            if (loaded == null) {
                synchronized (Registry.class) {
                    loaded = entries;
                    if (loaded == null) {
                        loaded = load();
                        entries = loaded;
                    }
                }
            }
            return loaded;
        }

        private static Map<String, OIDInfo> load() {
            Map<String, OIDInfo> byOid = new HashMap<>();
            try (InputStream in = OIDUtilities.class.getClassLoader().getResourceAsStream("oidregistry.csv")) {
                if (in == null) {
                    throw new FHIRException("oidregistry.csv is not on the class path");
                }
                BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                reader.readLine(); // header
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    // As the library reads it: rows without a code system name (trailing empty field) are left out.
                    String[] fields = line.split(",");
                    if (fields.length < 4) {
                        continue;
                    }
                    OIDInfo info = new OIDInfo();
                    info.setOid(fields[0].trim());
                    info.setType(parseType(fields[1]));
                    info.setName(fields[2].trim());
                    info.setCodeSystem(fields[3].trim());
                    byOid.put(info.getOid(), info);
                }
            } catch (IOException e) {
                throw new FHIRException(e);
            }
            return Map.copyOf(byOid);
        }

        private static Integer parseType(String field) {
            try {
                return Integer.valueOf(field.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }

    public static class OIDInfo {
        private String oid;
        private String name;
        private String codeSystem;
        private Integer type;

        public String getOid() {
            return oid;
        }

        public void setOid(String oid) {
            this.oid = oid;
        }

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getCodeSystem() {
            return codeSystem;
        }

        public void setCodeSystem(String codeSystem) {
            this.codeSystem = codeSystem;
        }

        public Integer getType() {
            return type;
        }

        public void setType(Integer type) {
            this.type = type;
        }

        @Override
        public String toString() {
            return oid + " " + name;
        }
    }
}
