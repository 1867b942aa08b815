package org.resistancecds.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.Meta;
import org.resistancecds.config.OperationBody;

/**
 * Refuses (422) a {@code $meta-add} that would add one of our profiles to a stored resource. HAPI adds the claim in
 * place, with no storage hook and no validation, so a resource that does not meet the profile came to claim it (and
 * to be found by {@code _profile}). Claiming a profile of ours goes through an update, which is validated. A profile
 * the resource (or the version named) already claims changes nothing, so it is let through: a client's retry of a
 * claim made by a validated update was refused.
 */
public class OwnProfileByMetaAdd {

    private final FhirContext fhirContext;
    private final ValidationProperties properties;
    private final DaoRegistry daoRegistry;

    public OwnProfileByMetaAdd(FhirContext fhirContext, ValidationProperties properties, DaoRegistry daoRegistry) {
        this.fhirContext = fhirContext;
        this.properties = properties;
        this.daoRegistry = daoRegistry;
    }

    /**
     * After HAPI's authorization check of the same pointcut (its interceptor's order, 200), so that what is stored is
     * read only for a client allowed the request: run before it, the answer told a client without access whether the
     * resource existed and which profiles it claimed.
     */
    @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED, order = 300)
    public void metaAdd(RequestDetails request) {
        if (!"$meta-add".equals(request.getOperation()) || properties.mode() == ValidationProperties.Mode.OFF) {
            return;
        }
        List<String> ours = OperationBody.parameters(request, fhirContext).stream()
                .flatMap(parameters -> parameters.getParameter().stream())
                .filter(parameter -> parameter.getValue() instanceof Meta)
                .flatMap(parameter -> ((Meta) parameter.getValue()).getProfile().stream())
                .map(profile -> profile.getValueAsString())
                .filter(profile -> profile != null && profile.startsWith(properties.profileBase()))
                .toList();
        if (ours.isEmpty()) {
            return;
        }
        Optional<Set<String>> claimed = claimedByTheStoredResource(request);
        if (claimed.isEmpty()) {
            return; // nothing stored: HAPI answers 404
        }
        ours.stream().filter(profile -> !claimed.get().contains(profile)).findFirst().ifPresent(unclaimed -> {
            throw new UnprocessableEntityException("$meta-add does not add profile '" + unclaimed + "': it would "
                    + "store the claim without checking the resource against it. Claim a profile of this server by "
                    + "updating the resource (PUT with the profile in meta.profile), which is validated. Nothing was "
                    + "changed.");
        });
    }

    private Optional<Set<String>> claimedByTheStoredResource(RequestDetails request) {
        if (request.getId() == null || request.getResourceName() == null) {
            return Optional.empty();
        }
        IBaseResource stored;
        try {
            stored = daoRegistry.getResourceDao(request.getResourceName())
                    .read(request.getId(), new SystemRequestDetails());
        } catch (ResourceGoneException deleted) {
            return Optional.of(Set.of()); // HAPI would add the claim to the deletion's version
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
        return Optional.of(stored.getMeta().getProfile().stream()
                .map(IPrimitiveType::getValueAsString)
                .collect(Collectors.toSet()));
    }
}
