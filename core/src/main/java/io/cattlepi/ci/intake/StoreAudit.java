package io.cattlepi.ci.intake;

import io.cattlepi.ci.store.Store;

/** Intake's audit trail in the store, shown with the other events. */
public final class StoreAudit implements IntakeAudit {
    private final Store store;

    public StoreAudit(Store store) {
        this.store = store;
    }

    @Override
    public void record(String deliveryId, String outcome, String detail) {
        store.note(DELIVERY, deliveryId, outcome, detail);
    }
}
