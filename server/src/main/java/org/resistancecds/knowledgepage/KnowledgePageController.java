package org.resistancecds.knowledgepage;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;

/**
 * Public, human-readable pages of the knowledge the cards rest on: {@code /knowledge/} lists the PlanDefinitions,
 * {@code /knowledge/{id}} shows one with an anchor per action. Templates under {@code templates/knowledge/}; Thymeleaf
 * escapes every value.
 */
@Controller
@RequestMapping(KnowledgePageLinks.PATH)
public class KnowledgePageController {

    /** A FHIR id: anything else names no PlanDefinition and is not looked up. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

    private final StoredPlans plans;

    public KnowledgePageController(DaoRegistry daoRegistry) {
        this.plans = new StoredPlans(daoRegistry);
    }

    @GetMapping({"", "/"})
    public String index(Model model) {
        model.addAttribute("plans", plans.all().stream()
                .map(plan -> PlanPage.of(KnowledgePageLinks.pageId(plan.getUrl()), plan, null))
                .toList());
        return "knowledge/index";
    }

    /** An unknown id gets the index with a note (and a 404), so the reader can go on from there. */
    @GetMapping("/{id}")
    public String plan(@PathVariable("id") String id, Model model, HttpServletResponse response) {
        Optional<PlanDefinition> plan = ID.matcher(id).matches()
                ? plans.plan(KnowledgePageLinks.canonical(id))
                : Optional.empty();
        if (plan.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_NOT_FOUND);
            model.addAttribute("missing", id);
            return index(model);
        }
        model.addAttribute("plan", PlanPage.of(id, plan.get(), plans.citations()));
        return "knowledge/plan";
    }
}
