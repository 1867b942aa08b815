package org.resistancecds.cli;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.hapi.fhir.cdshooks.api.json.CdsServiceResponseJson;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;
import org.resistancecds.cds.CdsJson;
import org.resistancecds.cds.cards.CardMapper;
import org.resistancecds.knowledge.Evaluation;
import org.resistancecds.knowledge.EvaluationRequest;
import org.resistancecds.knowledge.KnowledgeEvaluator;
import org.resistancecds.knowledge.KnowledgeLoader;
import org.resistancecds.knowledge.MechanismFinding;
import org.resistancecds.knowledge.Recommendation;
import org.resistancecds.knowledgepage.KnowledgePageLinks;

/**
 * {@code evaluate BUNDLE}: the engine and the card mapping the CDS services use, on one patient's record held in
 * a Bundle (any type; a scenario transaction works). Prints
 * {@code {patient, hook, asOf, status, mechanisms, recommendations, notes, cards}} as JSON.
 */
final class EvaluateCommand {

    private static final Set<String> HOOKS = Set.of("patient-view", "order-select", "order-sign");
    private static final Set<String> ORDER_TYPES = Set.of("MedicationRequest", "ServiceRequest");
    /** The server whose knowledge pages card sources link to when no --base-url is given: its default address. */
    private static final String DEFAULT_BASE_URL = "http://localhost:8080";

    private final PrintStream out;
    private final PrintStream err;

    EvaluateCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(List<String> args) {
        String file = null;
        String hook = "patient-view";
        Instant asOf = Instant.now();
        String baseUrl = DEFAULT_BASE_URL;
        String patientOption = null;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (Set.of("--as-of", "--hook", "--base-url", "--patient").contains(arg) && i + 1 >= args.size()) {
                return usage(arg + " needs a value.");
            }
            if (arg.equals("--as-of")) {
                try {
                    asOf = LocalDate.parse(args.get(++i)).atStartOfDay().toInstant(ZoneOffset.UTC);
                } catch (DateTimeParseException e) {
                    return usage("--as-of must be a date YYYY-MM-DD, but was '" + args.get(i) + "'.");
                }
            } else if (arg.equals("--hook")) {
                hook = args.get(++i);
                if (!HOOKS.contains(hook)) {
                    return usage("--hook must be one of " + HOOKS + ", but was '" + hook + "'.");
                }
            } else if (arg.equals("--base-url")) {
                baseUrl = args.get(++i);
                if (!baseUrl.startsWith("http://") && !baseUrl.startsWith("https://")) {
                    return usage("--base-url must be an http(s) URL, but was '" + baseUrl + "'.");
                }
            } else if (arg.equals("--patient")) {
                patientOption = args.get(++i);
            } else if (file == null && !arg.startsWith("--")) {
                file = arg;
            } else {
                return usage("unexpected argument '" + arg + "'.");
            }
        }
        if (file == null) {
            return usage("name the Bundle file.");
        }
        String text;
        try {
            text = FhirFiles.read(Path.of(file));
        } catch (IOException | RuntimeException e) {
            err.println("evaluate: cannot read " + file + ": " + FhirFiles.reason(e));
            return CommandLine.USAGE;
        }
        FhirContext fhirContext = FhirContext.forR4Cached();
        IBaseResource parsed;
        try {
            parsed = FhirFiles.parse(fhirContext, text);
        } catch (RuntimeException e) {
            err.println("evaluate: " + file + " is not a FHIR R4 resource: " + e.getMessage());
            return CommandLine.INVALID;
        }
        if (!(parsed instanceof Bundle bundle)) {
            err.println("evaluate: " + file + " holds a " + parsed.fhirType() + "; a Bundle of one patient's record was expected.");
            return CommandLine.INVALID;
        }
        List<Resource> record = new ArrayList<>();
        bundle.getEntry().stream().filter(Bundle.BundleEntryComponent::hasResource).forEach(e -> record.add(e.getResource()));
        List<Patient> patients = record.stream().filter(Patient.class::isInstance).map(Patient.class::cast).toList();
        String patientId;
        if (patientOption != null) {
            // As the server's $evaluate-resistance with a Bundle and a patient: the record may hold several
            // patients (the others' data are left out with a note) or none (its data refer to Patient/<id>).
            String wanted = patientOption.replaceFirst("^Patient/", "");
            if (!patients.isEmpty() && patients.stream().noneMatch(p -> wanted.equals(p.getIdElement().getIdPart()))) {
                err.println("evaluate: the Bundle holds no Patient with id " + wanted + ".");
                return CommandLine.INVALID;
            }
            patientId = wanted;
        } else if (patients.size() != 1 || !patients.get(0).getIdElement().hasIdPart()) {
            err.println("evaluate: the Bundle must hold exactly one Patient, named by its id or its entry's fullUrl, "
                    + "or name the patient with --patient ID; "
                    + (patients.size() == 1 ? "its Patient has neither." : "it holds " + patients.size() + "."));
            // Several patients or none: the command needs --patient (usage); one without an id: the file is at fault.
            return patients.size() == 1 ? CommandLine.INVALID : CommandLine.USAGE;
        } else {
            patientId = patients.get(0).getIdElement().getIdPart();
        }
        // Draft orders (status draft) are what the order hooks ask about; they are not part of the record.
        List<Resource> drafts = hook.equals("patient-view") ? List.of() : record.stream()
                .filter(r -> ORDER_TYPES.contains(r.fhirType()) && isDraft(r)).toList();
        List<Resource> history = record.stream().filter(r -> !drafts.contains(r)).toList();

        Evaluation evaluation = new KnowledgeEvaluator(KnowledgeLoader.load(fhirContext))
                .evaluate(new EvaluationRequest(patientId, hook, history, drafts, asOf));
        CdsServiceResponseJson cards = new CardMapper(KnowledgePageLinks.at(baseUrl)).map(hook, patientId, evaluation);
        out.println(report(fhirContext, patientId, hook, asOf, evaluation, cards));
        return CommandLine.OK;
    }

    private static boolean isDraft(Resource resource) {
        return resource.getNamedProperty("status") != null
                && resource.getNamedProperty("status").getValues().stream()
                        .anyMatch(v -> "draft".equals(v.primitiveValue()));
    }

    private static String report(FhirContext fhirContext, String patientId, String hook, Instant asOf,
            Evaluation evaluation, CdsServiceResponseJson cards) {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode report = json.createObjectNode();
        report.put("patient", patientId);
        report.put("hook", hook);
        report.put("asOf", asOf.toString());
        ObjectNode status = report.putObject("status");
        status.put("code", evaluation.status().code());
        status.put("display", evaluation.status().display());
        ArrayNode reasons = status.putArray("reasons");
        if (evaluation.status().reasons() != null) {
            evaluation.status().reasons().forEach(reasons::add);
        }
        ArrayNode mechanisms = report.putArray("mechanisms");
        for (MechanismFinding mechanism : evaluation.mechanisms()) {
            ObjectNode node = mechanisms.addObject();
            node.put("code", mechanism.code());
            node.put("display", mechanism.display());
            node.put("confidence", mechanism.confidence());
            ArrayNode why = node.putArray("reasons");
            if (mechanism.reasons() != null) {
                mechanism.reasons().forEach(why::add);
            }
        }
        ArrayNode recommendations = report.putArray("recommendations");
        for (Recommendation recommendation : evaluation.recommendations()) {
            recommendations.add(recommendation.actionId());
        }
        ArrayNode notes = report.putArray("notes");
        evaluation.notes().forEach(notes::add);
        try {
            JsonNode cardTree = json.readTree(new CdsJson(fhirContext).write(cards));
            report.set("cards", cardTree.path("cards").isMissingNode() ? json.createArrayNode() : cardTree.get("cards"));
            return json.writeValueAsString(report);
        } catch (IOException e) {
            throw new IllegalStateException("cards could not be written as JSON", e);
        }
    }

    private int usage(String problem) {
        err.println("evaluate: " + problem + "\n\n" + CommandLine.usage());
        return CommandLine.USAGE;
    }
}
