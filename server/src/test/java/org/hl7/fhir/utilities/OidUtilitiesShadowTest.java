package org.hl7.fhir.utilities;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.asm.ClassReader;
import org.springframework.asm.ClassVisitor;
import org.springframework.asm.MethodVisitor;
import org.springframework.asm.Opcodes;

/** Our OIDUtilities stands in for the library's: same public API, same answers, and the registry read once. */
class OidUtilitiesShadowTest {

    private static final String CLASS_FILE = "org/hl7/fhir/utilities/OIDUtilities.class";

    @Test
    void ourClassComesFirstOnTheClassPathAndDeclaresEveryPublicMethodOfTheLibrarys() throws Exception {
        List<URL> copies = Collections.list(getClass().getClassLoader().getResources(CLASS_FILE));
        assertThat(copies).as("ours and the library's").hasSize(2);
        assertThat(copies.get(0).toString()).doesNotContain("org.hl7.fhir.utilities");
        assertThat(copies.get(1).toString()).contains("org.hl7.fhir.utilities");

        Set<String> library = publicMethods(copies.get(1));
        Set<String> ours = publicMethods(copies.get(0));
        assertThat(ours).as("a HAPI upgrade changed OIDUtilities: check whether this stand-in is still needed")
                .containsAll(library);
    }

    @Test
    void answersAsTheLibraryDoes() {
        OIDUtilities oids = new OIDUtilities();
        assertThat(oids.isKnownOID("urn:oid:2.16.840.1.113883.6.96")).isTrue();
        assertThat(oids.isKnownOID("2.16.840.1.113883.6.96")).as("only urn:oid: URIs").isFalse();
        assertThat(oids.isKnownOID("urn:oid:1.2.3.4.5.6.7.8.9.99999")).isFalse();
        assertThat(oids.isKnownOID(null)).isFalse();
        assertThat(OIDUtilities.getUriForOid("2.16.840.1.113883.6.1")).isEqualTo("http://loinc.org");
        assertThat(OIDUtilities.getUriForOid("1.2.3")).isNull();
        assertThat(OIDUtilities.isValidOID("2.16.840.1.113883")).isTrue();
        assertThat(OIDUtilities.isValidOID("2.16.08")).isFalse();
        assertThat(OIDUtilities.oidTail("2.16.840")).isEqualTo("840");
        assertThat(OIDUtilities.oidRoot("2.16.840")).isEqualTo("2");
    }

    private static Set<String> publicMethods(URL classFile) throws Exception {
        Set<String> methods = new TreeSet<>();
        try (InputStream in = classFile.openStream()) {
            new ClassReader(in).accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                        String[] exceptions) {
                    if ((access & Opcodes.ACC_PUBLIC) != 0) {
                        methods.add(name + descriptor);
                    }
                    return null;
                }
            }, ClassReader.SKIP_CODE);
        }
        return methods;
    }
}
