package org.resistancecds.conformance;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.core.io.support.ResourcePatternResolver;

/**
 * Reads the content folders ({@code profiles/}, {@code terminology/}, {@code knowledge/}, {@code examples/})
 * from the classpath, strictly: a file that does not parse, or whose name does not match its resource, fails.
 */
public class ContentReader {

    private static final Pattern FILE_NAME = Pattern.compile("([A-Za-z]+)-([A-Za-z0-9\\-.]{1,64})\\.json");

    /** Install order: what a resource refers to is stored before the resource. */
    private static final List<String> TYPE_ORDER = List.of(
            "CodeSystem", "ValueSet", "ConceptMap", "StructureDefinition", "SearchParameter",
            "OperationDefinition", "Library", "ActivityDefinition", "PlanDefinition");

    private final FhirContext fhirContext;
    private final ResourcePatternResolver resolver;

    public ContentReader(FhirContext fhirContext) {
        this(fhirContext, new PathMatchingResourcePatternResolver());
    }

    ContentReader(FhirContext fhirContext, ResourcePatternResolver resolver) {
        this.fhirContext = fhirContext;
        this.resolver = resolver;
    }

    /** Reads every {@code *.json} under {@code classpath:content/<folder>/}, in install order. */
    public List<ContentFile> read(String folder) {
        Resource[] files;
        try {
            files = resolver.getResources("classpath*:content/" + folder + "/*.json");
        } catch (IOException e) {
            throw new ContentLoadException("Cannot list content folder " + folder, e);
        }
        List<ContentFile> result = new ArrayList<>();
        for (Resource file : files) {
            result.add(parse(folder + "/" + file.getFilename(), file));
        }
        result.sort(Comparator.comparingInt((ContentFile f) -> rank(f.resourceType()))
                .thenComparing(ContentFile::location));
        return result;
    }

    ContentFile parse(String location, Resource file) {
        Matcher name = FILE_NAME.matcher(file.getFilename() == null ? "" : file.getFilename());
        if (!name.matches()) {
            throw new ContentLoadException(location + ": file name must be {ResourceType}-{id}.json");
        }
        IBaseResource resource;
        try (Reader reader = new InputStreamReader(file.getInputStream(), StandardCharsets.UTF_8)) {
            IParser parser = fhirContext.newJsonParser().setParserErrorHandler(new StrictErrorHandler());
            resource = parser.parseResource(reader);
        } catch (DataFormatException | IOException e) {
            throw new ContentLoadException(location + ": does not parse as FHIR R4 JSON: " + e.getMessage(), e);
        }
        String type = resource.fhirType();
        String id = resource.getIdElement().getIdPart();
        if (!type.equals(name.group(1)) || !name.group(2).equals(id)) {
            throw new ContentLoadException(location + ": holds " + type + "/" + id
                    + " but the file name says " + name.group(1) + "/" + name.group(2));
        }
        return new ContentFile(location, resource);
    }

    private static int rank(String type) {
        int index = TYPE_ORDER.indexOf(type);
        return index < 0 ? TYPE_ORDER.size() : index;
    }
}
