package org.resistancecds.validation;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.Optional;
import org.hl7.fhir.r4.model.Meta;
import org.resistancecds.config.OperationBody;

/**
 * Refuses (422) a {@code $meta-add} that would add one of our profiles to a stored resource. HAPI adds the claim in
 * place, with no storage hook and no validation, so a resource that does not meet the profile came to claim it (and
 * to be found by {@code _profile}). Claiming a profile of ours goes through an update, which is validated.
 */
public class OwnProfileByMetaAdd {

    private final FhirContext fhirContext;
    private final ValidationProperties properties;

    public OwnProfileByMetaAdd(FhirContext fhirContext, ValidationProperties properties) {
        this.fhirContext = fhirContext;
        this.properties = properties;
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void metaAdd(RequestDetails request) {
        if (!"$meta-add".equals(request.getOperation()) || properties.mode() == ValidationProperties.Mode.OFF) {
            return;
        }
        Optional<String> ours = OperationBody.parameters(request, fhirContext).stream()
                .flatMap(parameters -> parameters.getParameter().stream())
                .filter(parameter -> parameter.getValue() instanceof Meta)
                .flatMap(parameter -> ((Meta) parameter.getValue()).getProfile().stream())
                .map(profile -> profile.getValueAsString())
                .filter(profile -> profile != null && profile.startsWith(properties.profileBase()))
                .findFirst();
        if (ours.isPresent()) {
            throw new UnprocessableEntityException("$meta-add does not add profile '" + ours.get() + "': it would "
                    + "store the claim without checking the resource against it. Claim a profile of this server by "
                    + "updating the resource (PUT with the profile in meta.profile), which is validated. Nothing was "
                    + "changed.");
        }
    }
}
