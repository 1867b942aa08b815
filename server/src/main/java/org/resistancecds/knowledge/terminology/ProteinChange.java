package org.resistancecds.knowledge.terminology;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads HGVS protein notation ({@code p.}) as laboratories write it: with or without a reference sequence
 * prefix, predicted changes in parentheses, one-letter or three-letter amino-acid codes.
 */
public final class ProteinChange {

    private static final Map<Character, String> THREE_LETTER = Map.ofEntries(
            Map.entry('A', "Ala"), Map.entry('R', "Arg"), Map.entry('N', "Asn"), Map.entry('D', "Asp"),
            Map.entry('C', "Cys"), Map.entry('Q', "Gln"), Map.entry('E', "Glu"), Map.entry('G', "Gly"),
            Map.entry('H', "His"), Map.entry('I', "Ile"), Map.entry('L', "Leu"), Map.entry('K', "Lys"),
            Map.entry('M', "Met"), Map.entry('F', "Phe"), Map.entry('P', "Pro"), Map.entry('S', "Ser"),
            Map.entry('T', "Thr"), Map.entry('W', "Trp"), Map.entry('Y', "Tyr"), Map.entry('V', "Val"),
            Map.entry('U', "Sec"), Map.entry('*', "Ter"), Map.entry('X', "Ter"));

    private static final Pattern ONE_LETTER_START = Pattern.compile("^[A-Z*]\\d");
    private static final Pattern SUBSTITUTION = Pattern.compile("^([A-Z][a-z]{2})(\\d+)([A-Z][a-z]{2}|=)$");
    private static final Pattern START_LOSS = Pattern.compile("^(Met1(\\?|[A-Z][a-z]{2}|del.*|ext.*)|0\\??)$");

    private ProteinChange() {}

    /** {@code NP_004324.2:p.(V600E)} becomes {@code p.Val600Glu}; null stays null. */
    public static String normalise(String notation) {
        if (notation == null || notation.isBlank()) {
            return null;
        }
        String text = notation.strip();
        int colon = text.lastIndexOf(':');
        if (colon >= 0) {
            text = text.substring(colon + 1);
        }
        if (!text.startsWith("p.")) {
            return text;
        }
        String body = text.substring(2).replace("(", "").replace(")", "");
        if (ONE_LETTER_START.matcher(body).find()) {
            body = toThreeLetter(body);
        }
        return "p." + body.replace("*", "Ter");
    }

    private static String toThreeLetter(String body) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < body.length(); i++) {
            // In one-letter notation every capital is an amino acid; keywords (fs, del, ins, dup, ext) are lower case.
            char c = body.charAt(i);
            String three = THREE_LETTER.get(c);
            out.append(three != null ? three : String.valueOf(c));
        }
        return out.toString();
    }

    /** Nonsense or frameshift: the protein is cut short. A stop-loss extension ({@code p.Ter123Glnext...}) is not. */
    public static boolean isTruncating(String normalised) {
        if (normalised == null || !normalised.startsWith("p.") || normalised.startsWith("p.Ter")) {
            return false;
        }
        String body = normalised.substring(2);
        return body.contains("fs") || (body.contains("Ter") && !body.contains("ext"));
    }

    public static boolean isStartLoss(String normalised) {
        return normalised != null && normalised.startsWith("p.") && START_LOSS.matcher(normalised.substring(2)).matches();
    }

    /** A single amino-acid substitution (not to a stop, not synonymous). */
    public static boolean isMissense(String normalised) {
        Matcher m = substitution(normalised);
        return m != null && !m.group(3).equals("=") && !m.group(3).equals("Ter") && !m.group(1).equals(m.group(3))
                && !isStartLoss(normalised);
    }

    /** The protein is unchanged. */
    public static boolean isSynonymous(String normalised) {
        if (normalised == null) {
            return false;
        }
        if (normalised.equals("p.=") || normalised.equals("p.(=)")) {
            return true;
        }
        Matcher m = substitution(normalised);
        return m != null && (m.group(3).equals("=") || m.group(1).equals(m.group(3)));
    }

    private static Matcher substitution(String normalised) {
        if (normalised == null || !normalised.startsWith("p.")) {
            return null;
        }
        Matcher m = SUBSTITUTION.matcher(normalised.substring(2));
        return m.matches() ? m : null;
    }
}
