package dev.clientele.sample;

/** Formats transaction lines; dirty variants override one field of the clean line. */
final class LineFormat {
  private final Catalogue catalogue;
  private final CustomerBase customers;
  private final Seasonality calendar;

  LineFormat(Catalogue catalogue, CustomerBase customers, Seasonality calendar) {
    this.catalogue = catalogue;
    this.customers = customers;
    this.calendar = calendar;
  }

  String clean(Order order, int lineNo, Order.Line line) {
    return text(order, lineNo, line, customerId(order), ts(order), line.quantity, line.unitPrice);
  }

  String customerId(Order order) {
    return customers.id[order.customer];
  }

  String ts(Order order) {
    if (order.ts == null) {
      StringBuilder out = new StringBuilder(19);
      out.append(calendar.dateText(order.day)).append(' ');
      Formats.appendTime(out, order.secondOfDay);
      order.ts = out.toString();
    }
    return order.ts;
  }

  String text(
      Order order,
      int lineNo,
      Order.Line line,
      String customerId,
      String ts,
      int quantity,
      long unitPrice) {
    int p = line.product;
    StringBuilder out = new StringBuilder(160);
    out.append(order.id).append(',').append(lineNo).append(',');
    out.append(customerId).append(',').append(ts).append(',');
    out.append(catalogue.productId[p]).append(',');
    out.append(catalogue.brandCsv[catalogue.productBrand[p]]).append(',');
    out.append(Catalogue.CATEGORIES[catalogue.productCategory[p]]).append(',');
    out.append(quantity).append(',');
    Formats.appendMoney(out, unitPrice);
    out.append(',');
    Formats.appendMoney(out, line.discount);
    out.append(',');
    Formats.appendMoney(out, line.unitCost);
    out.append(',').append(CustomerBase.CHANNELS[order.channel]).append(',');
    if (order.store >= 0) out.append(CustomerBase.storeId(order.store));
    out.append(',');
    if (order.isReturn()) out.append(order.original.id);
    return out.toString();
  }
}
