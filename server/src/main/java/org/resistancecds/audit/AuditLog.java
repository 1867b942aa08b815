package org.resistancecds.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only audit file: one JSON object per line, written in the order requests complete. The file is
 * only ever appended to; nothing in the server's API reads, changes or deletes it.
 */
public final class AuditLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

    private final Path file;
    private final ObjectMapper json;
    private final Writer writer;

    public AuditLog(Path file, ObjectMapper json) {
        this.file = file.toAbsolutePath().normalize();
        this.json = json;
        try {
            Files.createDirectories(this.file.getParent());
            this.writer = Files.newBufferedWriter(this.file, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("The audit log " + this.file + " cannot be opened for appending", e);
        }
        log.info("Audit log: every FHIR and CDS request is appended to {}", this.file);
    }

    public Path file() {
        return file;
    }

    /** Appends one record; the line reaches the operating system before the call returns. */
    public void append(Map<String, Object> record) {
        String line;
        try {
            line = json.writeValueAsString(record);
        } catch (JsonProcessingException e) {
            log.error("An audit record could not be written as JSON: {}", e.getOriginalMessage());
            return;
        }
        synchronized (writer) {
            try {
                writer.write(line);
                writer.write('\n');
                writer.flush();
            } catch (IOException e) {
                // The request has been answered already; the failure must at least be visible.
                log.error("AUDIT RECORD LOST (the audit log {} cannot be written): {}", file, line, e);
            }
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (writer) {
            writer.close();
        }
    }
}
