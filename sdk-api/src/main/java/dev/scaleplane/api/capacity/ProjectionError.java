package dev.scaleplane.api.capacity;

/**
 * How far a projection was from what happened, measured on the holdout: the model is fitted on the window without its
 * last {@linkplain CapacityPlannerSettings#holdout() holdout}, projected over it, and compared with the held-out
 * points.
 *
 * @param points how many held-out points were compared
 * @param mape mean absolute percentage error, in percent, over the points whose actual amount is not zero
 * @param rmse root mean square error, in the resource's unit (millicores, bytes, pods)
 */
public record ProjectionError(int points, double mape, double rmse) {}
