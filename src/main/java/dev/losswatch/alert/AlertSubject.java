package dev.losswatch.alert;

import dev.losswatch.events.LogBase;

/**
 * What an alert is about: a model version, optionally one slice of it, with what is known about the
 * version it replaced.
 *
 * @param previousVersion          the version this one replaced, or null
 * @param previousVersionBaseline  that version's baseline mean loss, or null
 * @param versionNote              a clause saying this version is worse than the previous one, or null
 */
public record AlertSubject(String modelId, String modelVersion, String sliceKey, String sliceValue, LogBase logBase,
                           String previousVersion, Double previousVersionBaseline, String versionNote) {

    public AlertSubject {
        if (modelId == null || modelId.isEmpty()) {
            throw new IllegalArgumentException("an alert subject needs a model id");
        }
        modelVersion = modelVersion == null ? "" : modelVersion;
        sliceKey = sliceKey == null ? "" : sliceKey;
        sliceValue = sliceValue == null ? "" : sliceValue;
        logBase = logBase == null ? LogBase.E : logBase;
    }

    /** The whole model version, no slice, no known predecessor. */
    public static AlertSubject of(String modelId, String modelVersion, LogBase logBase) {
        return new AlertSubject(modelId, modelVersion, "", "", logBase, null, null, null);
    }

    public AlertSubject withPreviousVersion(String version, double baselineMean) {
        return new AlertSubject(modelId, modelVersion, sliceKey, sliceValue, logBase, version, baselineMean, versionNote);
    }

    public AlertSubject withVersionNote(String note) {
        return new AlertSubject(modelId, modelVersion, sliceKey, sliceValue, logBase, previousVersion,
                previousVersionBaseline, note);
    }

    /** "model fraud version 7 (slice region=eu)". */
    String describe() {
        StringBuilder text = new StringBuilder("model ").append(modelId);
        if (!modelVersion.isEmpty()) {
            text.append(" version ").append(modelVersion);
        }
        if (!sliceKey.isEmpty()) {
            text.append(" (slice ").append(sliceKey).append('=').append(sliceValue).append(')');
        }
        return text.toString();
    }
}
