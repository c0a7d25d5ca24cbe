package io.cattlepi.ci.build.run;

/** The commit could not be checked out within the retry window. */
public final class CheckoutException extends Exception {
    public CheckoutException(String message, Throwable cause) {
        super(message, cause);
    }
}
