package org.resistancecds.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Collects the figures of a run and writes them as a Markdown table (stdout) and as JSON (a file). */
final class FigureReport {

    private final List<Figure> figures = new ArrayList<>();
    private final Map<String, Object> settings;
    private final Path json;

    /** Rewrites {@code json} after every figure, so a run stopped part-way still leaves what it measured. */
    FigureReport(Map<String, Object> settings, Path json) {
        this.settings = settings;
        this.json = json;
    }

    void add(String group, String name, String unit, List<Double> samples, String note) {
        Figure figure = new Figure(group, name, unit, List.copyOf(samples), note);
        figures.add(figure);
        System.out.printf(Locale.ROOT, "  %s | %s: %s / %s / %s %s (n=%d)%n", group, name, format(figure.min()),
                format(figure.median()), format(figure.max()), unit, samples.size());
        try {
            writeJson(json);
        } catch (IOException e) {
            System.err.println("cannot write " + json + ": " + e.getMessage());
        }
    }

    List<Figure> figures() {
        return List.copyOf(figures);
    }

    String markdown() {
        StringBuilder table = new StringBuilder();
        table.append("| group | figure | min | median | max | unit | n | note |\n");
        table.append("|---|---|---:|---:|---:|---|---:|---|\n");
        for (Figure figure : figures) {
            table.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %d | %s |%n", figure.group(),
                    figure.name(), format(figure.min()), format(figure.median()), format(figure.max()), figure.unit(),
                    figure.samples().size(), figure.note() == null ? "" : figure.note()));
        }
        return table.toString();
    }

    void writeJson(Path file) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Figure figure : figures) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("group", figure.group());
            row.put("name", figure.name());
            row.put("unit", figure.unit());
            row.put("min", figure.min());
            row.put("median", figure.median());
            row.put("max", figure.max());
            row.put("n", figure.samples().size());
            row.put("note", figure.note());
            rows.add(row);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("finished", Instant.now().toString());
        root.put("settings", settings);
        root.put("figures", rows);
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), root);
    }

    static String format(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        return Math.abs(value) >= 100 ? String.format(Locale.ROOT, "%.0f", value)
                : String.format(Locale.ROOT, "%.2f", value);
    }
}
