package org.resistancecds.knowledge;

/**
 * The knowledge content is unusable (fails at load) or a condition could not be evaluated (fails the call):
 * the engine never answers with silently missing guidance.
 */
public class KnowledgeException extends RuntimeException {

    public KnowledgeException(String message) {
        super(message);
    }

    public KnowledgeException(String message, Throwable cause) {
        super(message, cause);
    }
}
