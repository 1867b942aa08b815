package org.resistancecds.cli;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.ValidationResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.resistancecds.conformance.OfflineValidator;

/**
 * {@code validate FILE...}: the server's validation (base R4 plus our profiles and terminology) offline, with
 * the same policy as the server: codes from LOINC, SNOMED CT, HGNC, RxNorm and ATC are checked against our value
 * sets, their code systems are not available and give warnings; profiles of guides we do not hold are warnings.
 */
final class ValidateCommand {

    private static OfflineValidator shared;

    private final PrintStream out;
    private final PrintStream err;

    ValidateCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(List<String> files) {
        if (files.isEmpty()) {
            err.println("validate: name at least one file.\n\n" + CommandLine.usage());
            return CommandLine.USAGE;
        }
        List<String> texts = new ArrayList<>();
        for (String file : files) {
            if (file.startsWith("-")) {
                err.println("validate: no option " + file + "; name the files to validate.\n\n" + CommandLine.usage());
                return CommandLine.USAGE;
            }
            try {
                texts.add(FhirFiles.read(Path.of(file)));
            } catch (IOException | RuntimeException e) {
                err.println("validate: cannot read " + file + ": " + FhirFiles.reason(e));
                return CommandLine.USAGE;
            }
        }
        FhirContext fhirContext = FhirContext.forR4Cached();
        OfflineValidator validator = validator(fhirContext);
        List<OperationOutcome> outcomes = new ArrayList<>();
        boolean allValid = true;
        for (int i = 0; i < files.size(); i++) {
            OperationOutcome outcome = validate(fhirContext, validator, texts.get(i));
            int errors = count(outcome, OperationOutcome.IssueSeverity.ERROR)
                    + count(outcome, OperationOutcome.IssueSeverity.FATAL);
            int warnings = count(outcome, OperationOutcome.IssueSeverity.WARNING);
            err.println(files.get(i) + ": " + (errors == 0 ? "valid" : "INVALID") + " (" + count(errors, "error") + ", "
                    + count(warnings, "warning") + ")");
            allValid &= errors == 0;
            outcomes.add(outcome);
        }
        out.println(fhirContext.newJsonParser().setPrettyPrint(true).encodeResourceToString(result(files, outcomes)));
        return allValid ? CommandLine.OK : CommandLine.INVALID;
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /** Built once per process: reading the base specification and our content takes seconds. */
    private static synchronized OfflineValidator validator(FhirContext fhirContext) {
        if (shared == null) {
            shared = OfflineValidator.fromClasspath(fhirContext);
        }
        return shared;
    }

    private static OperationOutcome validate(FhirContext fhirContext, OfflineValidator validator, String text) {
        try {
            FhirFiles.parse(fhirContext, text);
        } catch (RuntimeException e) {
            OperationOutcome outcome = new OperationOutcome();
            outcome.addIssue()
                    .setSeverity(OperationOutcome.IssueSeverity.FATAL)
                    .setCode(OperationOutcome.IssueType.STRUCTURE)
                    .setDiagnostics("Not a FHIR R4 resource: " + e.getMessage());
            return outcome;
        }
        // The text as written, as the server validates a request body: a parsed copy would have lost what is
        // malformed but readable (a null, an empty object, an extension without a value).
        ValidationResult result = validator.validate(text);
        OperationOutcome outcome = (OperationOutcome) result.toOperationOutcome();
        if (outcome.getIssue().isEmpty()) {
            // An empty issue list is not valid FHIR; say plainly that nothing was found.
            outcome.addIssue()
                    .setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
                    .setCode(OperationOutcome.IssueType.INFORMATIONAL)
                    .setDiagnostics("No errors found.");
        }
        return outcome;
    }

    /** One file: its OperationOutcome. Several: a collection Bundle, each entry's fullUrl the file's URI. */
    private static IBaseResource result(List<String> files, List<OperationOutcome> outcomes) {
        if (outcomes.size() == 1) {
            return outcomes.get(0);
        }
        Bundle bundle = new Bundle().setType(Bundle.BundleType.COLLECTION);
        for (int i = 0; i < files.size(); i++) {
            bundle.addEntry()
                    .setFullUrl(Path.of(files.get(i)).toAbsolutePath().normalize().toUri().toString())
                    .setResource(outcomes.get(i));
        }
        return bundle;
    }

    private static int count(OperationOutcome outcome, OperationOutcome.IssueSeverity severity) {
        return (int) outcome.getIssue().stream().filter(i -> i.getSeverity() == severity).count();
    }
}
