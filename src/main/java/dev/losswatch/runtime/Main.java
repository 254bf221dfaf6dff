package dev.losswatch.runtime;

/** Entry point of {@code java -jar losswatch.jar}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.out.println("losswatch");
    }
}
