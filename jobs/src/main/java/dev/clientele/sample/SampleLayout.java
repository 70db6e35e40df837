package dev.clientele.sample;

/** File names and header rows of the raw sample, as documented in docs/sample-data.md. */
final class SampleLayout {
  private SampleLayout() {}

  static final String TRANSACTIONS_DIR = "transactions";
  static final String CUSTOMERS = "customers/customers.csv";
  static final String SURVEYS = "surveys/surveys.csv";
  static final String COMPLAINTS = "complaints/complaints.csv";

  /** Later versions of complaints first delivered open: the CRM's next export. */
  static final String COMPLAINT_UPDATES = "complaints/complaints-updates.csv";

  static final String REDEMPTIONS = "redemptions/redemptions.csv";

  /** Newsletters, then the generated campaign's messages. */
  static final String CONTACTS = "contacts/contacts.csv";

  static final String CAMPAIGN_UPLIFT = "ground_truth/campaign_uplift.csv";

  static final String CUSTOMER_GROUPS = "ground_truth/customer_groups.csv";
  static final String DIRTY_RECORDS = "ground_truth/dirty_records.csv";

  static final String TRANSACTIONS_HEADER =
      "order_id,line_no,customer_id,ts,product_id,brand,category,quantity,unit_price,discount,"
          + "unit_cost,channel,store_id,original_order_id";
  static final String CUSTOMERS_HEADER =
      "customer_id,name,email,phone,birth_date,gender,income_band,occupation,region,signup_date,"
          + "updated_at,marketing_opt_out";
  static final String SURVEYS_HEADER = "survey_id,customer_id,order_id,answered_at,csat,nps";
  static final String COMPLAINTS_HEADER =
      "complaint_id,customer_id,order_id,opened_at,resolved_at,category,severity";
  static final String REDEMPTIONS_HEADER =
      "redemption_id,customer_id,order_id,redeemed_at,points,reward";
  static final String CONTACTS_HEADER = "contact_id,customer_id,channel,campaign,sent_at";
  static final String CAMPAIGN_UPLIFT_HEADER =
      "audience,as_of,measure_days,customers,true_repurchase_uplift,true_spend_uplift";
  static final String CUSTOMER_GROUPS_HEADER = "customer_id,group";
  static final String DIRTY_RECORDS_HEADER = "file,line,kind";

  /** {@code transactions/2026-11-20.csv}. */
  static String dayFile(String date) {
    return TRANSACTIONS_DIR + "/" + date + ".csv";
  }
}
