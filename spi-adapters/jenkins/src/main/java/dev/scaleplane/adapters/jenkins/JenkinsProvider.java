package dev.scaleplane.adapters.jenkins;

import dev.scaleplane.adapters.jenkins.internal.JenkinsInstance;
import dev.scaleplane.adapters.jenkins.internal.JenkinsSettings;
import dev.scaleplane.api.adapters.ci.CiAdapter;
import dev.scaleplane.api.adapters.ci.CiCapability;
import dev.scaleplane.api.spi.CiAdapterProvider;
import dev.scaleplane.api.spi.ConfigProperties;
import dev.scaleplane.api.spi.ProviderContext;
import java.util.EnumSet;
import java.util.Set;

/**
 * Jenkins jobs in any folder, system {@code jenkins}, over Jenkins' Remote Access API ({@code .../api/json}, {@code
 * tree} filters; https://www.jenkins.io/doc/book/using/remote-access-api/). Settings and identifiers: see {@link
 * dev.scaleplane.adapters.jenkins}. A job is named by its full name ({@code folder/sub/job}) at any depth: classic
 * folders, organization folders and multibranch projects alike, not only GitHub organization folders.
 *
 * <table>
 *   <caption>Calls and the Jenkins endpoints they use</caption>
 *   <tr><th>call</th><th>Jenkins</th></tr>
 *   <tr><td>{@code trigger}</td><td>{@code POST /job/a/job/b/job/c/buildWithParameters} with the parameters as a
 *       form ({@code application/x-www-form-urlencoded}): {@code ref-parameter=<ref>} when configured, then the
 *       inputs by name; {@code POST .../build} when there are none (a parameterized job refuses that with {@code 400
 *       Nothing is submitted} before queueing anything, and gets {@code buildWithParameters} with its defaults
 *       instead). Jenkins answers {@code 201} with {@code Location: <root>/queue/item/<id>/}.</td></tr>
 *   <tr><td>{@code status}</td><td>a build: {@code GET .../<number>/api/json?tree=number,url,result,building,
 *       inProgress,timestamp,duration,actions[parameters[name,value]]}; a queue id: {@code GET
 *       /queue/item/<id>/api/json} until it has {@code executable.number}, then the build (resolutions are
 *       remembered); an item Jenkins has forgotten (it keeps left items five minutes) is found by its
 *       {@code queueId} in {@code GET .../api/json?tree=allBuilds[number,queueId]{..}}.</td></tr>
 *   <tr><td>{@code awaitCompletion}</td><td>{@code status} polled by the plumbing's {@code RunPoller} from {@code
 *       poll-interval}, doubling to {@code max-poll-interval}, with jitter; once a queue id has its build, the build
 *       is polled directly.</td></tr>
 *   <tr><td>{@code cancel}</td><td>a build: {@code POST .../<number>/stop}; a queue item still waiting: {@code POST
 *       /queue/cancelItem?id=<id>} (204); one that has become a build meanwhile: its build is stopped. Then {@code
 *       status}: stopping takes Jenkins a moment, so it may still say RUNNING.</td></tr>
 *   <tr><td>{@code runs}</td><td>{@code GET /job/.../api/json?tree=allBuilds[number,url,result,building,
 *       timestamp]{m,n}}, newest first, one {@code tree} range of {@code page-size} builds per page, fetched lazily
 *       ({@code allBuilds}, because {@code builds} stops at the newest 100).</td></tr>
 * </table>
 *
 * <p><b>Trigger returns the queue item at once.</b> Jenkins queues a trigger and starts it when the quiet period
 * (5 s by default) has passed and an executor is free, which may take minutes or hours; {@link CiAdapter#trigger}
 * promises to return once the system has accepted the run. So {@code trigger} returns {@code <full name>#queue-<id>},
 * QUEUED, and {@code status}, {@code awaitCompletion} and {@code cancel} resolve that id to {@code <full
 * name>#<number>} once Jenkins has a build for it; their results carry the build's id from then on. {@link
 * CiCapability#RUN_ID_ON_TRIGGER} is therefore not declared. With {@code build-lookup-timeout} above zero, {@code
 * trigger} polls the queue item for up to that long and returns the build when it appears; it stops early when Jenkins
 * says waiting will not help soon ({@code blocked}, {@code stuck}) or the item was cancelled.
 *
 * <table>
 *   <caption>Jenkins states and what they map to</caption>
 *   <tr><th>Jenkins</th><th>{@code CiStatus}</th><th>{@code conclusion}</th></tr>
 *   <tr><td>queue item waiting, blocked or buildable</td><td>QUEUED</td><td>Jenkins' {@code why}, e.g. "Waiting
 *       for next available executor"</td></tr>
 *   <tr><td>queue item with {@code cancelled: true}</td><td>CANCELLED</td><td>{@code cancelled}</td></tr>
 *   <tr><td>build with {@code building} or {@code inProgress} true</td><td>RUNNING</td><td>{@code building}</td>
 *       </tr>
 *   <tr><td>result {@code SUCCESS}</td><td>SUCCEEDED</td><td>{@code SUCCESS}</td></tr>
 *   <tr><td>result {@code UNSTABLE}, {@code FAILURE}, or one Jenkins adds later</td><td>FAILED</td><td>the result
 *       </td></tr>
 *   <tr><td>result {@code ABORTED}, {@code NOT_BUILT}</td><td>CANCELLED</td><td>the result</td></tr>
 * </table>
 *
 * <p><b>Authentication.</b> A user and one of its API tokens as HTTP Basic, through the plumbing's {@code
 * Authenticator.jenkins}: Jenkins (2.107 LTS and later) needs no CSRF crumb for requests authenticated with an API
 * token, so none is fetched until Jenkins refuses a POST with {@code 403 No valid crumb was included in the request};
 * then {@code GET /crumbIssuer/api/json} is asked once and its crumb sent on every later POST. Since 2.176.2 a
 * crumb is only valid in the web session it was issued in, and the plumbing keeps no session cookie: use an API token,
 * not a password. Or none (anonymous).
 *
 * <p><b>Rate limits.</b> Jenkins sends no rate-limit headers and no {@code 429}; the plumbing's governor therefore
 * only acts on what a proxy in front of Jenkins says ({@code 429} or {@code 503} with {@code Retry-After}, or the
 * common {@code RateLimit-*} headers).
 *
 * <p><b>Errors.</b> Every request asks for {@code application/json}, so Jenkins' servlet container writes error pages
 * as JSON and the typed exceptions carry its message: 401 (bad token) and 403 are {@code
 * AdapterAuthenticationException}, 404 (no such job, build or queue item) {@code AdapterNotFoundException}, 409 (job
 * disabled) and parameters sent to a job that defines none (Jenkins: 500 "This build is not parameterized!") {@code
 * AdapterRequestRefusedException}. Jenkins ignores parameters a job does not define; nothing reports them.
 *
 * <p>Stateless; the adapters it creates are thread-safe.
 */
public final class JenkinsProvider implements CiAdapterProvider {

    /** Creates the provider; stateless. */
    public JenkinsProvider() {}

    /** {@code jenkins}. */
    @Override
    public String name() {
        return "jenkins";
    }

    /** Cancel and inputs; not {@code RUN_ID_ON_TRIGGER}: a trigger is a queue item until Jenkins starts it. */
    @Override
    public Set<CiCapability> capabilities() {
        return EnumSet.of(CiCapability.CANCEL, CiCapability.INPUTS);
    }

    /**
     * Checks instance {@code instance}'s keys without connecting.
     *
     * @throws dev.scaleplane.api.ConfigurationException listing every invalid or unknown key, secrets redacted
     */
    @Override
    public void validate(String instance, ConfigProperties config) {
        JenkinsSettings.read(instance, config);
    }

    /**
     * Creates the adapter of instance {@code instance}, using the context's {@code Sleeper}, {@code
     * RateLimitGovernor} and {@code MeterRegistry} when it has them.
     *
     * @throws dev.scaleplane.api.ConfigurationException listing every invalid or unknown key
     */
    @Override
    public CiAdapter create(String instance, ProviderContext context) {
        return JenkinsInstance.jobs(instance, context);
    }
}
