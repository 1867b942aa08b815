package net.sourceforge.plantuml;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.springframework.asm.ClassReader;
import org.springframework.asm.ClassVisitor;
import org.springframework.asm.MethodVisitor;
import org.springframework.asm.Opcodes;

/** Our StringUtils is all of PlantUML that HAPI's FHIRPath Patch parser calls, with PlantUML's answers. */
class PlantUmlStandInTest {

    private static final String HAPI_CALLER = "ca/uhn/fhir/jpa/patch/ParsedFhirPath.class";

    @Test
    void hapisPatchPathParserCallsOnlyTheMethodThisClassProvides() throws Exception {
        Set<String> calls = new TreeSet<>();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(HAPI_CALLER)) {
            assertThat(in).as(HAPI_CALLER).isNotNull();
            new ClassReader(in).accept(new ClassVisitor(Opcodes.ASM9) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                        String[] exceptions) {
                    return new MethodVisitor(Opcodes.ASM9) {
                        @Override
                        public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                            if (owner.startsWith("net/sourceforge/plantuml/")) {
                                calls.add(owner + "." + method + desc);
                            }
                        }
                    };
                }
            }, ClassReader.SKIP_DEBUG);
        }
        assertThat(calls).as("a HAPI upgrade changed its PlantUML calls: check whether this stand-in is still needed")
                .containsExactly("net/sourceforge/plantuml/StringUtils.isNotEmpty(Ljava/lang/CharSequence;)Z");
    }

    @Test
    void answersAsPlantUmlDoes() {
        assertThat(StringUtils.isNotEmpty(null)).isFalse();
        assertThat(StringUtils.isNotEmpty("")).isFalse();
        assertThat(StringUtils.isNotEmpty(" \t\0 ")).isFalse();
        assertThat(StringUtils.isNotEmpty("code = 'x'")).isTrue();
        assertThat(StringUtils.isNotEmpty(" a ")).isTrue();
    }
}
