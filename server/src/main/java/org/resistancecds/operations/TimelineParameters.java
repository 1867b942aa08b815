package org.resistancecds.operations;

import java.time.LocalDate;
import java.util.Map;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.resistancecds.knowledge.KnowledgeCodes;
import org.resistancecds.knowledge.record.IciExposure;
import org.resistancecds.knowledge.record.ResponseAssessment;
import org.resistancecds.knowledge.serial.VariantDynamics;
import org.resistancecds.knowledge.serial.VariantPoint;
import org.resistancecds.knowledge.serial.VariantSeries;
import org.resistancecds.knowledge.timeline.StatusChange;
import org.resistancecds.knowledge.timeline.Timeline;

/**
 * The timeline as a FHIR Parameters resource (the shape is documented in OperationDefinition resistance-timeline):
 * repeated {@code therapy}, {@code response}, {@code variant} and {@code status} parameters, each with parts, each
 * list in date order.
 */
final class TimelineParameters {

    private static final String HGNC = "http://www.genenames.org";

    private TimelineParameters() {}

    static Parameters of(Timeline timeline) {
        Parameters parameters = new Parameters();
        parameters.addParameter().setName("patient").setValue(new Reference("Patient/" + timeline.patientId()));
        parameters.addParameter().setName("asOf").setValue(date(timeline.asOf()));
        if (timeline.anchor() != null) {
            parameters.addParameter().setName("firstDose").setValue(date(timeline.anchor()));
        }
        for (IciExposure therapy : timeline.therapies()) {
            ParametersParameterComponent p = parameters.addParameter().setName("therapy");
            p.addPart().setName("agent").setValue(new StringType(therapy.agent().name()));
            p.addPart().setName("target").setValue(new Coding(HGNC, therapy.agent().targetGene(), therapy.agent().targetSymbol()));
            p.addPart().setName("pd1Axis").setValue(new BooleanType(therapy.agent().blocksPd1Axis()));
            p.addPart().setName("start").setValue(date(therapy.start()));
            p.addPart().setName("end").setValue(date(therapy.end()));
            p.addPart().setName("ongoing").setValue(new BooleanType(therapy.ongoing()));
            p.addPart().setName("kind").setValue(new CodeType(therapy.kind()));
            p.addPart().setName("source").setValue(new Reference(therapy.source()));
        }
        for (ResponseAssessment response : timeline.responses()) {
            ParametersParameterComponent p = parameters.addParameter().setName("response");
            p.addPart().setName("date").setValue(date(response.date()));
            p.addPart().setName("category").setValue(new Coding(KnowledgeCodes.RESPONSE_SYSTEM, response.category().code(), null));
            p.addPart().setName("basis").setValue(new StringType(response.basis()));
            p.addPart().setName("preliminary").setValue(new BooleanType(response.preliminary()));
            p.addPart().setName("source").setValue(new Reference(response.source()));
        }
        for (VariantSeries series : timeline.variants()) {
            ParametersParameterComponent p = parameters.addParameter().setName("variant");
            p.addPart().setName("label").setValue(new StringType(series.label()));
            p.addPart().setName("gene").setValue(new Coding(HGNC, series.geneCode(), series.geneSymbol()));
            if (series.change() != null) {
                p.addPart().setName("change").setValue(new StringType(series.change()));
            }
            for (VariantDynamics dynamic : VariantDynamics.values()) {
                if (series.has(dynamic)) {
                    p.addPart().setName("dynamics").setValue(
                            new Coding(KnowledgeCodes.VARIANT_DYNAMICS_SYSTEM, dynamic.code(), dynamic.display()));
                }
            }
            series.reasons().forEach(reason -> p.addPart().setName("reason").setValue(new StringType(reason)));
            for (VariantPoint point : series.points()) {
                ParametersParameterComponent sample = p.addPart().setName("sample");
                sample.addPart().setName("date").setValue(date(point.date()));
                sample.addPart().setName("detected").setValue(new BooleanType(point.detected()));
                if (point.alleleFrequency() != null) {
                    sample.addPart().setName("alleleFrequency").setValue(new Quantity()
                            .setValue(point.alleleFrequency()).setUnit("%").setSystem("http://unitsofmeasure.org").setCode("%"));
                }
                if (point.sample() != null) {
                    sample.addPart().setName("specimen").setValue(new CodeType(point.sample()));
                }
                sample.addPart().setName("source").setValue(new Reference(point.source()));
            }
        }
        for (StatusChange change : timeline.statusChanges()) {
            ParametersParameterComponent p = parameters.addParameter().setName("status");
            p.addPart().setName("date").setValue(date(change.date()));
            p.addPart().setName("code").setValue(new Coding(KnowledgeCodes.STATUS_SYSTEM, change.status(), change.statusDisplay()));
            for (Map.Entry<String, String> mechanism : change.mechanisms().entrySet()) {
                ParametersParameterComponent m = p.addPart().setName("mechanism");
                m.addPart().setName("code").setValue(new Coding(KnowledgeCodes.MECHANISM_SYSTEM, mechanism.getKey(),
                        change.mechanismDisplays().get(mechanism.getKey())));
                m.addPart().setName("confidence").setValue(new Coding(KnowledgeCodes.CONFIDENCE_SYSTEM, mechanism.getValue(), null));
            }
            change.reasons().forEach(reason -> p.addPart().setName("reason").setValue(new StringType(reason)));
        }
        return parameters;
    }

    private static DateType date(LocalDate day) {
        return new DateType(day.toString());
    }
}
