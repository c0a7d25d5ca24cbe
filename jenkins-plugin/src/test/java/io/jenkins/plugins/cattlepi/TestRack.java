package io.jenkins.plugins.cattlepi;

import com.cloudbees.jenkins.plugins.sshcredentials.impl.BasicSSHUserPrivateKey;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import hudson.util.Secret;
import io.cattlepi.ci.simulator.pi.PiTimings;
import io.cattlepi.ci.simulator.pi.RackFixture;
import io.cattlepi.ci.simulator.pi.SimulatedPi;
import io.cattlepi.ci.worker.Worker;
import io.cattlepi.ci.worker.WorkerState;
import io.jenkins.plugins.cattlepi.cloud.PiCloud;
import io.jenkins.plugins.cattlepi.cloud.PiMachine;
import io.jenkins.plugins.cattlepi.cloud.RackRuntimes;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;
import org.jvnet.hudson.test.JenkinsRule;

/** A simulated rack (real SSH, a local CattlePi API) configured as a Pi cloud of the test's Jenkins. */
public final class TestRack implements AutoCloseable {
    public final RackFixture fixture;
    public final PiCloud cloud;

    private TestRack(RackFixture fixture, PiCloud cloud) {
        this.fixture = fixture;
        this.cloud = cloud;
    }

    public static TestRack start(JenkinsRule j, int pis) throws Exception {
        RackFixture fixture = RackFixture.start(pis, PiTimings.fast());
        SystemCredentialsProvider.getInstance().getCredentials().add(new StringCredentialsImpl(CredentialsScope.SYSTEM,
                "cattlepi-api", "CattlePi API key", Secret.fromString(RackFixture.API_KEY)));
        SystemCredentialsProvider.getInstance().getCredentials().add(new BasicSSHUserPrivateKey(CredentialsScope.SYSTEM,
                "pi-ssh", "pi", new BasicSSHUserPrivateKey.DirectEntryPrivateKeySource(fixture.privateKeyText()), null,
                "the Pis' key"));
        SystemCredentialsProvider.getInstance().save();
        List<PiMachine> machines = new ArrayList<>();
        for (SimulatedPi p : fixture.rack().pis()) {
            PiMachine m = new PiMachine(p.name(), p.host(), p.mac());
            m.setPort(p.port());
            machines.add(m);
        }
        PiCloud cloud = new PiCloud("rack", machines);
        cloud.setCattlepiApiUrl(fixture.api().url());
        cloud.setCattlepiCredentialsId("cattlepi-api");
        cloud.setSshCredentialsId("pi-ssh");
        cloud.setRaspbianLocation(fixture.api().url() + RackFixture.RASPBIAN_PATH);
        cloud.setIdleMinutes(1);
        j.jenkins.clouds.add(cloud);
        j.jenkins.save();
        TestRack rack = new TestRack(fixture, cloud);
        rack.await("every Pi ready", () -> rack.ready() == pis);
        return rack;
    }

    public int ready() {
        return (int) RackRuntimes.of(cloud).workers().stream().filter(w -> w.state() == WorkerState.READY).count();
    }

    public List<Worker> workers() {
        return RackRuntimes.of(cloud).workers();
    }

    public void await(String what, BooleanSupplier condition) throws InterruptedException {
        new TestWait().until(what, condition);
    }

    @Override
    public void close() {
        RackRuntimes.stopAll();
        fixture.close();
    }
}
