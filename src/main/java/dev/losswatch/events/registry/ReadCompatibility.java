package dev.losswatch.events.registry;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/** Avro schema resolution's verdict, worded for error messages. */
final class ReadCompatibility {
    private ReadCompatibility() {
    }

    /** Why data written with {@code writer} cannot be read with {@code reader}, one line per problem; empty when it can. */
    static List<String> problems(Schema reader, Schema writer) {
        SchemaPairCompatibility check = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (check.getType() == SchemaCompatibilityType.COMPATIBLE) {
            return List.of();
        }
        return check.getResult().getIncompatibilities().stream()
                .map(problem -> problem.getType() + " at " + problem.getLocation() + " (" + problem.getMessage() + ")")
                .toList();
    }
}
