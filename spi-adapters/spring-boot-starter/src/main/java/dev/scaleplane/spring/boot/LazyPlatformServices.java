package dev.scaleplane.spring.boot;

import java.util.function.Supplier;
import org.springframework.aop.TargetSource;
import org.springframework.aop.framework.ProxyFactory;

/**
 * Beans for the platform services the platform opens on first use ({@code store()}, {@code tasks()}, ...): a proxy
 * that asks the platform for the service on every call, so injecting the bean opens nothing, and the first call opens
 * the service as a direct call to the platform would (the platform keeps the opened service; a failure to open is
 * thrown to that caller, with the platform's own exception).
 *
 * <p>Thread-safe as the platform's accessors are.
 */
final class LazyPlatformServices {

    private LazyPlatformServices() {}

    /** A proxy of interface {@code type} whose every call goes to {@code service.get()}. */
    static <T> T lazy(Class<T> type, Supplier<? extends T> service) {
        ProxyFactory factory = new ProxyFactory();
        factory.addInterface(type);
        factory.setTargetSource(new TargetSource() {
            @Override
            public Class<?> getTargetClass() {
                return type;
            }

            @Override
            public boolean isStatic() {
                // Not static: the target is looked up per call, which is what keeps opening the service lazy.
                return false;
            }

            @Override
            public Object getTarget() {
                return service.get();
            }

            @Override
            public void releaseTarget(Object target) {}
        });
        return type.cast(factory.getProxy(LazyPlatformServices.class.getClassLoader()));
    }
}
