package dev.losswatch.window;

import dev.losswatch.events.LossWindow;

/** What the window processor forwards; {@link LossWindows} routes each kind to its own named stream. */
sealed interface WindowEmission {
    /** A running (not final) or final value of a window. */
    record Window(LossWindow window) implements WindowEmission {
    }

    /** First stage of two: what a window gathered since its previous partial. */
    record Delta(WindowInput.Partial partial) implements WindowEmission {
    }

    /** An input for a window that had already closed. */
    record Late(LateInput late) implements WindowEmission {
    }
}
