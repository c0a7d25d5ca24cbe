package io.jenkins.plugins.cattlepi.trigger;

import hudson.Extension;
import hudson.model.Item;
import hudson.model.Job;
import hudson.model.listeners.ItemListener;

/**
 * Follows jobs that are renamed or moved (into or out of a folder, or with their folder): a queue's
 * builds go to a job by full name, and a rename neither stops nor restarts its triggers. Jenkins
 * calls this for the item and for each item inside it (ItemListener#fireLocationChange).
 */
@Extension
public class JobMoves extends ItemListener {
    @Override
    public void onLocationChanged(Item item, String oldFullName, String newFullName) {
        if (item instanceof Job) {
            QueueDesks.get().jobMoved(oldFullName, newFullName);
        }
    }
}
