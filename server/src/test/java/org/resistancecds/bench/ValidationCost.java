package org.resistancecds.bench;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.resistancecds.cohort.CohortDesign;
import org.resistancecds.cohort.CohortGenerator;
import org.resistancecds.conformance.OfflineValidator;

/**
 * CPU time the HL7 validator spends on one resource, by kind (type and the profile it claims), over generated
 * cohort patients. It runs the validator and content the server uses, held in memory ({@link OfflineValidator}):
 * one thread, no database, no HTTP, so the figure is the validation alone, without what the server does around
 * it. Usage: {@code bench/validation-cost.sh [patients 100] [warm-up passes 5] [measured passes 5]}.
 */
public final class ValidationCost {

    public static void main(String[] args) {
        int patients = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int warmupPasses = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int passes = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        FhirContext fhirContext = FhirContext.forR4Cached();
        OfflineValidator validator = OfflineValidator.fromClasspath(fhirContext);
        List<IBaseResource> resources = new CohortGenerator(fhirContext, CohortDesign.load(), 42)
                .patients(0, patients, 20).stream()
                .flatMap(patient -> patient.transaction().getEntry().stream())
                .map(entry -> (IBaseResource) entry.getResource())
                .toList();

        long invalid = resources.stream().filter(r -> hasErrors(validator, r)).count();
        // The JIT keeps compiling the validator over the first passes; they are not counted.
        for (int pass = 1; pass < warmupPasses; pass++) {
            resources.forEach(validator::validate);
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, long[]> nanosAndCountByKind = new TreeMap<>();
        for (int pass = 0; pass < passes; pass++) {
            for (IBaseResource resource : resources) {
                long before = threads.getCurrentThreadCpuTime();
                validator.validate(resource);
                long spent = threads.getCurrentThreadCpuTime() - before;
                long[] entry = nanosAndCountByKind.computeIfAbsent(kind(resource), k -> new long[2]);
                entry[0] += spent;
                entry[1]++;
            }
        }
        long total = nanosAndCountByKind.values().stream().mapToLong(e -> e[0]).sum();
        System.out.printf(Locale.ROOT, "%d patients, %,d resources (%d with errors), %d warm-up passes, "
                + "%d measured%n%n", patients, resources.size(), invalid, warmupPasses, passes);
        System.out.println("| kind | resources | CPU ms per resource | share of the CPU |");
        System.out.println("|---|---:|---:|---:|");
        nanosAndCountByKind.forEach((kind, e) -> System.out.printf(Locale.ROOT, "| %s | %,d | %.3f | %.1f %% |%n",
                kind, e[1] / passes, e[0] / 1e6 / e[1], 100.0 * e[0] / total));
        double perResource = total / 1e6 / ((long) resources.size() * passes);
        System.out.printf(Locale.ROOT, "| all | %,d | %.3f | 100 %% |%n%none core validates %.0f resources/s%n",
                resources.size(), perResource, 1000 / perResource);
    }

    private static boolean hasErrors(OfflineValidator validator, IBaseResource resource) {
        return validator.validate(resource).getMessages().stream()
                .anyMatch(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal());
    }

    private static String kind(IBaseResource resource) {
        return resource.fhirType() + resource.getMeta().getProfile().stream()
                .map(IPrimitiveType::getValueAsString)
                .map(url -> " " + url.substring(url.lastIndexOf('/') + 1))
                .findFirst()
                .orElse("");
    }

    private ValidationCost() {}
}
