package org.resistancecds.knowledge.status;

import static java.time.temporal.ChronoUnit.DAYS;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.resistancecds.knowledge.StatusVerdict;
import org.resistancecds.knowledge.record.IciExposure;
import org.resistancecds.knowledge.record.PatientRecord;
import org.resistancecds.knowledge.record.ResponseAssessment;
import org.resistancecds.knowledge.terminology.ResistanceCriteria;
import org.resistancecds.knowledge.terminology.ResponseCategory;
import org.resistancecds.knowledge.terminology.ResponseCategory.Kind;

/**
 * Classifies resistance to PD-1/PD-L1 blockade after the SITC taskforce (Kluger 2020) and the NSCLC consensus
 * (Schoenfeld 2021), with the thresholds of {@link ResistanceCriteria}. Every verdict says why, in sentences a
 * clinician can check, and lists the resources it rests on.
 */
public final class ResistanceClassifier {

    private final ResistanceCriteria criteria;

    public ResistanceClassifier(ResistanceCriteria criteria) {
        this.criteria = criteria;
    }

    public StatusVerdict classify(PatientRecord record) {
        return new Classification(record).run();
    }

    /** The state of one classification. */
    private final class Classification {
        private final PatientRecord record;
        private final List<String> reasons = new ArrayList<>();
        private final Set<String> evidence = new LinkedHashSet<>();

        Classification(PatientRecord record) {
            this.record = record;
        }

        StatusVerdict run() {
            List<IciExposure> exposures = record.pd1AxisExposures();
            if (exposures.isEmpty()) {
                return notExposed();
            }
            LocalDate firstDose = exposures.get(0).start();
            List<ResponseAssessment> onTherapy = record.assessments().stream()
                    .filter(a -> a.date().isAfter(firstDose))
                    .toList();
            reasons.add("Anti-PD-(L)1 therapy (" + agents(exposures) + ") from " + firstDose + ".");
            if (onTherapy.isEmpty()) {
                exposures.forEach(e -> evidence.add(e.source()));
                reasons.add("No response assessment after the start of therapy.");
                return verdict(ResistanceStatus.INDETERMINATE);
            }
            ProgressionEpisode episode = scan(onTherapy);
            reasons.addAll(episode.notes());
            if (episode.progression() == null) {
                return withoutProgression(exposures, onTherapy, episode);
            }
            return afterProgression(exposures, firstDose, episode);
        }

        private StatusVerdict notExposed() {
            if (record.exposures().isEmpty()) {
                reasons.add("No immune checkpoint inhibitor therapy in the record.");
            } else {
                record.exposures().forEach(e -> evidence.add(e.source()));
                reasons.add("Only " + agents(record.exposures()) + " in the record: the resistance definitions "
                        + "concern PD-1/PD-L1 blockade.");
            }
            return verdict(ResistanceStatus.NOT_EXPOSED);
        }

        private StatusVerdict withoutProgression(
                List<IciExposure> exposures, List<ResponseAssessment> onTherapy, ProgressionEpisode episode) {
            exposures.forEach(e -> evidence.add(e.source()));
            if (episode.best() == null) {
                onTherapy.forEach(a -> evidence.add(a.source()));
                reasons.add("No evaluable response assessment after the start of therapy.");
                return verdict(ResistanceStatus.INDETERMINATE);
            }
            ResponseAssessment latest = onTherapy.get(onTherapy.size() - 1);
            evidence.add(episode.best().source());
            evidence.add(latest.source());
            reasons.add("Best response " + describe(episode.best()) + "; no progression since (latest assessment "
                    + describe(latest) + ").");
            return verdict(ResistanceStatus.RESPONDING);
        }

        private StatusVerdict afterProgression(List<IciExposure> exposures, LocalDate firstDose, ProgressionEpisode episode) {
            ResponseAssessment progression = episode.progression();
            LocalDate pdDate = progression.date();
            List<IciExposure> before = exposures.stream().filter(e -> !e.start().isAfter(pdDate)).toList();
            before.forEach(e -> evidence.add(e.source()));
            boolean onTreatment = before.stream().anyMatch(e -> e.covers(pdDate));
            LocalDate lastDose = onTreatment
                    ? pdDate
                    : before.stream().map(IciExposure::end).max(LocalDate::compareTo).orElse(firstDose);
            long exposureDays = DAYS.between(firstDose, lastDose);
            long daysToProgression = DAYS.between(firstDose, pdDate);
            evidence.add(progression.source());
            reasons.add("Progression " + describe(progression) + ", " + daysToProgression + " days after the first dose, "
                    + (onTreatment ? "on treatment." : DAYS.between(lastDose, pdDate) + " days after the last dose (" + lastDose + ")."));
            boolean confirmed = episode.confirmation() != null;
            if (confirmed) {
                evidence.add(episode.confirmation().source());
                reasons.add(episode.confirmation() == progression
                        ? "Progression is confirmed by the iRECIST category itself."
                        : "Confirmed by " + describe(episode.confirmation()) + ", "
                                + DAYS.between(pdDate, episode.confirmation().date()) + " days later.");
            } else {
                reasons.add("Progression not confirmed: a further assessment showing progression at least "
                        + fmt(criteria.confirmationMinimumIntervalDays()) + " days later is needed (SITC).");
            }
            if (!hadBenefit(episode, daysToProgression)) {
                return withoutBenefit(exposureDays, confirmed);
            }
            long gap = onTreatment ? 0 : DAYS.between(lastDose, pdDate);
            if (gap > criteria.postDiscontinuationWindowDays()) {
                reasons.add("Progression came more than " + fmt(criteria.postDiscontinuationWindowDays())
                        + " days after the last dose: progression after treatment discontinuation, not acquired resistance.");
                return verdict(ResistanceStatus.PROGRESSION_AFTER_DISCONTINUATION);
            }
            if (exposureDays < criteria.acquiredMinimumExposureDays()) {
                reasons.add("Exposure before progression was " + exposureDays + " days, less than the "
                        + fmt(criteria.acquiredMinimumExposureDays()) + " days SITC requires for acquired resistance; "
                        + "the NSCLC consensus (objective response, progression within 6 months of the last dose) may "
                        + "still apply: review clinically.");
                return verdict(ResistanceStatus.INDETERMINATE);
            }
            reasons.add("Exposure before progression: " + exposureDays + " days (at least "
                    + fmt(criteria.acquiredMinimumExposureDays()) + " required).");
            return verdict(confirmed ? ResistanceStatus.ACQUIRED_RESISTANCE : ResistanceStatus.ACQUIRED_RESISTANCE_SUSPECTED);
        }

        private boolean hadBenefit(ProgressionEpisode episode, long daysToProgression) {
            ResponseAssessment best = episode.best();
            if (best == null) {
                reasons.add("No response or stable disease before progression.");
                return false;
            }
            evidence.add(best.source());
            if (best.category().kind() == Kind.RESPONSE) {
                reasons.add("Objective response before progression: " + describe(best) + ".");
                return true;
            }
            if (!criteria.stableDiseaseCountsAsBenefit()) {
                reasons.add("Best response was stable disease (" + describe(best) + "); these criteria require an "
                        + "objective response (NSCLC consensus).");
                return false;
            }
            if (daysToProgression > criteria.durableStableDiseaseDays()) {
                reasons.add("Stable disease (" + describe(best) + ") lasting " + daysToProgression + " days, more than "
                        + fmt(criteria.durableStableDiseaseDays()) + " (SITC); the NSCLC consensus counts only objective "
                        + "responses.");
                return true;
            }
            reasons.add("Stable disease (" + describe(best) + ") lasted only " + daysToProgression + " days, not more than "
                    + fmt(criteria.durableStableDiseaseDays()) + ".");
            return false;
        }

        private StatusVerdict withoutBenefit(long exposureDays, boolean confirmed) {
            if (exposureDays < criteria.primaryMinimumExposureDays()) {
                reasons.add("Exposure before progression was " + exposureDays + " days, less than the "
                        + fmt(criteria.primaryMinimumExposureDays()) + " days needed to call primary resistance.");
                return verdict(ResistanceStatus.INDETERMINATE);
            }
            if (!confirmed) {
                reasons.add("Progression without prior benefit needs confirmation before primary resistance can be called.");
                return verdict(ResistanceStatus.INDETERMINATE);
            }
            return verdict(ResistanceStatus.PRIMARY_RESISTANCE);
        }

        /** Walks the course: the best response so far, the first progression that later assessments did not contradict. */
        private ProgressionEpisode scan(List<ResponseAssessment> course) {
            List<String> notes = new ArrayList<>();
            ResponseAssessment best = null;
            for (int i = 0; i < course.size(); i++) {
                ResponseAssessment current = course.get(i);
                ResponseCategory category = current.category();
                if (!category.isProgression()) {
                    if (category.kind() != Kind.NOT_EVALUABLE && (best == null || category.rank() > best.category().rank())) {
                        best = current;
                    }
                    continue;
                }
                if (category.kind() == Kind.CONFIRMED_PROGRESSION && !current.preliminary()) {
                    return new ProgressionEpisode(best, current, current, notes);
                }
                ResponseAssessment confirmation = null;
                boolean contradicted = false;
                for (int j = i + 1; j < course.size() && confirmation == null && !contradicted; j++) {
                    ResponseAssessment later = course.get(j);
                    Kind kind = later.category().kind();
                    if (kind == Kind.RESPONSE || kind == Kind.STABLE) {
                        contradicted = true;
                    } else if (later.category().isProgression() && confirms(current, later)) {
                        if (later.preliminary()) {
                            notes.add("Assessment " + describe(later) + " would confirm progression but is preliminary.");
                        } else {
                            confirmation = later;
                        }
                    }
                }
                if (!contradicted) {
                    return new ProgressionEpisode(best, current, confirmation, notes);
                }
                notes.add("Progression " + describe(current) + " was followed by response or stable disease "
                        + "(pseudo-progression); it does not count.");
            }
            return new ProgressionEpisode(best, null, null, notes);
        }

        private boolean confirms(ResponseAssessment initial, ResponseAssessment later) {
            return later.category().kind() == Kind.CONFIRMED_PROGRESSION
                    || DAYS.between(initial.date(), later.date()) >= criteria.confirmationMinimumIntervalDays();
        }

        private StatusVerdict verdict(ResistanceStatus status) {
            return new StatusVerdict(status.code(), status.display(), List.copyOf(reasons), List.copyOf(evidence));
        }
    }

    private static String agents(List<IciExposure> exposures) {
        return exposures.stream().map(e -> e.agent().name()).distinct().collect(Collectors.joining(", "));
    }

    private static String describe(ResponseAssessment assessment) {
        return assessment.basis() + " on " + assessment.date() + (assessment.preliminary() ? " (preliminary)" : "")
                + " [" + assessment.source() + "]";
    }

    /** Whole days for reading; comparisons use the exact threshold (6 UCUM months are 182.6 days). */
    private static String fmt(double days) {
        return String.valueOf(Math.round(days));
    }
}
