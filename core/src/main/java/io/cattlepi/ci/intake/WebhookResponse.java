package io.cattlepi.ci.intake;

/** The HTTP answer to one delivery: GitHub shows it in the hook's delivery log. */
public record WebhookResponse(int status, String message) {
}
