/** Grok reports no token counts for images; OpenAI's image usage shape with zeros (one shape everywhere, appendix B 5). */
export const ZERO_IMAGE_USAGE = {
  total_tokens: 0,
  input_tokens: 0,
  output_tokens: 0,
  input_tokens_details: { text_tokens: 0, image_tokens: 0 },
} as const;
