package dev.scaleplane.api.capacity;

/**
 * How many deployments completed on a region's clusters over the window, counted from the platform's {@code
 * DeploymentCompleted} events by day: context for a projection (a region whose deployment rate grows will usually see
 * its requested amounts grow after it), not an input of the model.
 *
 * @param days the whole days counted, ending at the plan's time
 * @param completed the deployments completed in those days
 * @param perDay {@code completed / days}
 * @param trendPerDay the least-squares slope of the daily counts, in deployments per day per day
 */
public record DeploymentActivity(int days, long completed, double perDay, double trendPerDay) {}
